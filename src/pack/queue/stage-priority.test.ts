// STAGE_PRIORITY: along the job graph's stage order (packStages pushes them in this order), every later stage is
// taken first (a smaller BullMQ priority), so a pack that has got further is never queued behind another pack's
// earlier stage.
import { describe, expect, it } from 'vitest';
import type { StageName } from '../job-graph.js';
import { STAGE_PRIORITY } from './pack-queue.js';

const GRAPH_ORDER: StageName[] = ['chunks', 'layout', 'tiers', 'train', 'reuse', 'metrics', 'ladder', 'finish'];

describe('STAGE_PRIORITY', () => {
  it('names every stage once', () => {
    expect(Object.keys(STAGE_PRIORITY).sort()).toEqual([...GRAPH_ORDER].sort());
  });
  it.each(GRAPH_ORDER.slice(1).map((s, i) => [GRAPH_ORDER[i], s]))('%s is taken after %s', (before, after) => {
    expect(STAGE_PRIORITY[after as StageName]).toBeLessThan(STAGE_PRIORITY[before as StageName]);
  });
  it('is within BullMQ\'s 1..2^21 (0 would mean no priority: taken before every prioritized job)', () => {
    for (const p of Object.values(STAGE_PRIORITY)) expect(p >= 1 && p <= 2 ** 21 && Number.isInteger(p)).toBe(true);
  });
});

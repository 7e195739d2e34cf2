import { describe, expect, it } from 'vitest';
import { defaultPathSpecs } from './wdsr-spec.js';

describe('defaultPathSpecs', () => {
  it.each([
    { shapes: [[16, 16]], ids: [[16, 16]], blocks: [2] },
    { shapes: [[8, 8], [32, 32]], ids: [[32, 32], [8, 8]], blocks: [2, 4] },
    { shapes: [[16, 16], [64, 64], [32, 32]], ids: [[64, 64], [32, 32], [16, 16]], blocks: [2, 3, 4] },
    { shapes: [[8, 8], [16, 16], [32, 32], [64, 64]], ids: [[64, 64], [32, 32], [16, 16], [8, 8]], blocks: [2, 3, 3, 4] },
  ])('orders $shapes largest first with blocks $blocks', ({ shapes, ids, blocks }) => {
    const spec = defaultPathSpecs(3, shapes as [number, number][]);
    expect(spec.scale).toBe(3);
    expect(spec.paths.map((p) => p.patch)).toEqual(ids);
    expect(spec.paths.map((p) => p.id)).toEqual(ids.map((_, i) => i));
    expect(spec.paths.map((p) => p.blocks)).toEqual(blocks);
    expect(spec.paths.every((p) => p.channels === 32 && p.expansion === 2)).toBe(true);
  });

  it.each([
    { shapes: [] as [number, number][], error: /1 to 4 patch shapes; got 0/ },
    { shapes: [[8, 8], [8, 16]] as [number, number][], error: /share height 8/ },
    { shapes: [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5]] as [number, number][], error: /got 5/ },
  ])('rejects $shapes', ({ shapes, error }) => {
    expect(() => defaultPathSpecs(2, shapes)).toThrow(error);
  });
});

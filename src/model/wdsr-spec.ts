// Default path layout of the dynamic SR network: one WDSR-A path per patch-shape class,
// deeper for smaller (finer, harder) patches, as in Dy-DCA's Table 6.
import type { DynamicSRSpec, PathSpec } from './spec.js';

export const DEFAULT_CHANNELS = 32;
export const DEFAULT_EXPANSION = 2;
const MIN_BLOCKS = 2;
const MAX_BLOCKS = 4;

/**
 * Paths for the given patch shapes, sorted largest patch first (id 0) to smallest (deepest).
 * Blocks grow linearly from 2 (largest patch) to 4 (smallest); with one path it gets 2 blocks.
 */
export function defaultPathSpecs(scale: 2 | 3 | 4, patchShapes: [number, number][]): DynamicSRSpec {
  if (patchShapes.length < 1 || patchShapes.length > 4) {
    throw new Error(`dynamic SR needs 1 to 4 patch shapes; got ${patchShapes.length}`);
  }
  const sorted = [...patchShapes].sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i][0] === sorted[i - 1][0]) {
      throw new Error(`patch shapes ${JSON.stringify(patchShapes)} share height ${sorted[i][0]}; routing is by height, so heights must differ`);
    }
  }
  const n = sorted.length;
  const paths: PathSpec[] = sorted.map((patch, id) => ({
    id,
    patch: [patch[0], patch[1]],
    blocks: n === 1 ? MIN_BLOCKS : Math.round(MIN_BLOCKS + ((MAX_BLOCKS - MIN_BLOCKS) * id) / (n - 1)),
    channels: DEFAULT_CHANNELS,
    expansion: DEFAULT_EXPANSION,
  }));
  return { scale, paths };
}

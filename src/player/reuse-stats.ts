// The stats of the frame on screen under the reuse map: what SR did for it (FramePipeline.lastWork) in patches and
// executed model GFLOP; a frame shown with bicubic (SR late, or no engine) is bicubic in every patch.
import type { ManifestPath } from '../format/manifest.js';
import type { PatchRect } from '../format/patch.js';
import { frameGflop } from '../model/sr-cost.js';
import type { SrWork } from './frame-pipeline.js';

export interface ReuseStats { srPatches: number; reusedPatches: number; bicubicPatches: number; executedGflops: number }

export function reuseStats(shown: { index: number; kind: 'sr' | 'bicubic' }, work: SrWork | null, patches: readonly PatchRect[] | null,
  model: { paths: readonly ManifestPath[]; scale: number; halo: number }): ReuseStats {
  if (shown.kind === 'bicubic' || !work || work.index !== shown.index) {
    return { srPatches: 0, reusedPatches: 0, bicubicPatches: shown.kind === 'bicubic' ? patches?.length ?? 0 : 0, executedGflops: 0 };
  }
  const executedGflops = Math.round(frameGflop(work.sr, model.paths, model.scale, model.halo) * 1e4) / 1e4;
  return { srPatches: work.sr.length, reusedPatches: work.reused, bicubicPatches: work.bicubic, executedGflops };
}

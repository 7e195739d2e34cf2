// What `dydca pack` is asked to do (parsed by src/cli/pack.ts), with the recipe defaults the CLI and the plan share.
import { BudgetError } from '../model/spec-for-budget.js';
import type { TrainerKind } from '../train/trainer.js';
import type { TrainingLoss } from '../train/training-graph.js';
import { InputError } from './ingest.js';

export interface PackOptions {
  input: string;
  out: string;
  scale: 2 | 3 | 4;
  start: number;
  seconds: number | null;
  maxWidth: number | null;
  /** number of paths = split levels */
  paths: number;
  /** training steps; with `trainSeconds`, the most steps */
  steps: number;
  /** wall-clock training budget in seconds (shared equally by the models of nas/stdo), or null for `steps` */
  trainSeconds: number | null;
  /** 'ort' (onnxruntime-node, the default: several times faster) or 'tfjs-wasm' */
  trainer: TrainerKind;
  batchSize: number;
  /** Adam base learning rate (cosine-decayed by the trainer) */
  learningRate: number;
  /** training loss (PACK_LOSS by default) */
  loss: TrainingLoss;
  /** Dy-DCA's training crops: 'error' (by each patch's share of its frame's bicubic error, the default) or 'uniform' */
  cropSampling: 'error' | 'uniform';
  method: 'dydca' | 'nas' | 'stdo';
  /** number of models of the nas/stdo baselines (chunks / texture groups) */
  models: number;
  scorer: 'bicubic' | 'trained';
  /** level-0 patch side in LR px */
  basePatch: number;
  thresholds: number[];
  /** x264 CRF of lr.mp4 and hr.mp4 */
  crf: number;
  seed: number;
  /** replace whatever stands at `out` (never the input video nor a folder holding it) */
  force: boolean;
  /** GFLOP of SR per frame the paths are sized to (the costliest frame), or null for the default paths; dydca only */
  maxGflopsPerFrame: number | null;
  /** the reuse map's quality margin in dB (frame PSNR as played at most this below full SR's); 0 = no map (stages/reuse-stage.ts) */
  reuseMargin: number;
  /**
   * --ladder: the LR renditions, in rising scale (the first is `scale`, the top-level pack), each with its level-0 patch
   * side; absent or null: one rendition (docs/packager.md, "Bitrate ladder").
   */
  ladder?: LadderRung[] | null;
  /**
   * --tiers: models of falling cost the pack carries (1 = the top-level model only); tier 1 is sized for a phone
   * (tiers.ts, docs/packager.md "Model tiers"). Dy-DCA without --ladder only.
   */
  tiers: number;
}

/** One rung of --ladder: the scale of its LR rendition and its level-0 patch side (LR px). */
export interface LadderRung { scale: 2 | 3 | 4; basePatch: number }

/**
 * Default `--reuse-margin`: the played PSNR may fall this far below full SR's, frame by frame. 0.1 dB is the issue's
 * target for static content; measured in docs/packager.md ("The reuse map").
 */
export const DEFAULT_REUSE_MARGIN = 0.1;

/**
 * Training loss of packs: mean squared error, what the pack's PSNR measures. L1 (the trainer's own default) spends
 * as much gradient on the near-zero residuals of flat regions as on edges; measured on the x2 demo clip at 300 steps,
 * L2 gained +0.45 dB over bicubic where L1 gained +0.35 (docs/packager.md, "Recipe at x2").
 */
export const PACK_LOSS: TrainingLoss = 'l2';

/**
 * Dy-DCA packs draw training crops by error (crop-sampler.ts errorSamplingWeights with this mix): each patch in
 * proportion to its share of its frame's squared bicubic error, so steps go where the mean per-frame PSNR can rise.
 * Measured on the x2 demo clip: +0.03 dB (300 steps, batch 16) and +0.06 dB (600 steps, batch 8) over uniform.
 */
export const ERROR_SAMPLING_MIX = 1;

/** LR patch side of the largest level: 128 HR px, a multiple of 8 LR px so 4 levels stay integral. */
export function defaultBasePatch(scale: number): number {
  return Math.max(8, Math.round(128 / scale / 8) * 8);
}

/**
 * A rung's default level-0 patch side: its scale's, except x3 beside x2 or x4, which gets 32 (96 HR px, not 120): the
 * HR frame is padded to the lcm of every rung's scale x finest patch, 480 px with x3's default beside x2's 32 (1080
 * rows padded to 1440), 96 px with 32 (1080 -> 1152).
 */
export function ladderPatch(scale: 2 | 3 | 4, scales: readonly number[]): number {
  return scale === 3 && scales.some((s) => s !== 3) ? 32 : defaultBasePatch(scale);
}

/** A budget no model fits is bad input (exit 2), not a failure of the packer. */
export function budgetInput<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof BudgetError ? new InputError(`dydca pack: ${e.message}`) : e;
  }
}

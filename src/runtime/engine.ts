// The one interface every SR engine implements (compiled, compiled-f16, compiled-naive, ort, bicubic); the player swaps them live.
// Nothing behind it tells the player how a kernel was generated.

/** Every engine, listed once: the player's choices, the bench's and the `engine` attribute's values. */
export const ENGINE_NAMES = ['compiled', 'compiled-f16', 'compiled-naive', 'ort', 'bicubic'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export function isEngineName(v: unknown): v is EngineName {
  return typeof v === 'string' && (ENGINE_NAMES as readonly string[]).includes(v);
}

import type { PatchRect } from '../format/patch.js';

export type { PatchRect };

/** SR of one patch is defined by the halo convention of src/format/patch.ts, the same for every engine and `dydca eval`. */
export interface EngineModel {
  /** the ONNX file as bytes (the pack's model.onnx) */
  onnx: Uint8Array;
  scale: number;
  halo: number;
  /** shape classes: path id and its patch [h, w] in LR pixels */
  paths: { id: number; patch: [number, number] }[];
}

export interface FrameJob {
  /** LR frame, rgba8unorm, TEXTURE_BINDING | COPY_SRC | COPY_DST */
  lr: GPUTexture;
  /** HR frame, rgba8unorm, STORAGE_BINDING | TEXTURE_BINDING | COPY_SRC; every patch's pixels are written */
  hr: GPUTexture;
  patches: PatchRect[];
}

export interface FrameResult {
  /** GPU time of the SR work for this frame (timestamp queries), or null where the adapter has none */
  gpuMs: number | null;
  /** wall time from submit to completion as seen by the CPU */
  wallMs: number;
}

/** SR recorded into a caller's encoder (SREngine.encode). */
export interface EncodedSR {
  /** GPU time of the recorded SR (timestamp queries), once the encoder's submit completed; null where none. Safe to call more than once. */
  gpuMs(): Promise<number | null>;
}

export interface SREngine {
  readonly name: EngineName;
  /** Compile pipelines / sessions ahead of playback; progress in [0,1]. */
  prepare(onProgress?: (fraction: number, message: string) => void): Promise<void>;
  /** Super-resolve one frame: read job.lr, write all patches into job.hr (submits and waits). */
  run(job: FrameJob): Promise<FrameResult>;
  /**
   * Records the frame's SR into the caller's encoder without submitting, so a frame (import, SR, bicubic, PSNR,
   * present) is one submit with no CPU wait inside it. `readyFor(job.patches)` must have resolved first (it compiles
   * shape classes beyond the pack's paths). Engines whose work is not ours to record (onnxruntime-web) lack both.
   */
  encode?(encoder: GPUCommandEncoder, job: FrameJob): EncodedSR;
  readyFor?(patches: PatchRect[]): Promise<void>;
  /** The compiled engines: the optimizations on (names of ./optimizations.ts). */
  readonly optimizations?: ReadonlySet<string>;
  /** The compiled engines: GPU dispatches of the last SR frame (null before the first). */
  readonly dispatches?: number | null;
  /** Release every GPU resource the engine holds. */
  dispose(): void;
}

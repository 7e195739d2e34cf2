// The fair engine bench's core, shared by the Chromium page (bench/page/harness.ts, `npm run bench`) and the
// Node + Dawn runner (bench/gpu.ts, `npm run bench:gpu`): every engine is created and prepared one after another
// (prepare time cold, peak GPU bytes from creation through warm-up), then the timed frames run interleaved,
// round-robin with the order rotated each round, so load from other processes and GPU clock changes fall on
// every engine alike; afterwards the very pipeline that was timed (engine.run into the HR texture) is checked
// against reference float outputs.
import type { FrameJob, PatchRect, SREngine } from '../src/runtime/engine.js';
import type { GpuMemoryTracker } from '../src/runtime/gpu-memory.js';
import { readTextureRgba } from '../src/runtime/texture-readback.js';

export interface BenchEngine { name: string; make(): Promise<SREngine> }

export interface EngineTimingResult {
  engine: string;
  /** wall ms per timed frame (submit to completion as the CPU sees it), in run order */
  frameMs: number[];
  /** GPU ms per timed frame (timestamp queries) where the engine and adapter have them */
  gpuMs: (number | null)[];
  prepareMs: number;
  peakGpuBytes: number;
  /** max |HR texture / 255 - clamp(reference)| over the patches of frame 0, from the timed pipeline (includes <= 0.5/255 quantisation) */
  maxAbsErr: number | null;
  error?: string;
}

/** The q-quantile with linear interpolation between order statistics (q = 0.5: the true median). */
export function quantile(xs: readonly number[], q: number): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const at = q * (s.length - 1);
  const lo = Math.floor(at), hi = Math.ceil(at);
  return s[lo] + (s[hi] - s[lo]) * (at - lo);
}

/** Largest |HR byte / 255 - clamp(want)| over `patches` ([3, s*h, s*w] float references, in patch order). */
export function hrTextureError(rgba: Uint8Array | Uint8ClampedArray, hrWidth: number, patches: readonly PatchRect[], want: readonly Float32Array[], s: number): number {
  let worst = 0;
  patches.forEach((p, i) => {
    const w = s * p.w, h = s * p.h;
    for (let c = 0; c < 3; c++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const v = Math.min(1, Math.max(0, want[i][(c * h + y) * w + x]));
      worst = Math.max(worst, Math.abs(rgba[((s * p.y + y) * hrWidth + s * p.x + x) * 4 + c] / 255 - v));
    }
  });
  return worst;
}

export interface TimingOptions {
  timed: number;
  warmup: number;
  scale: number;
  /** float references for frames[0]'s patches; null: no accuracy check */
  reference: Float32Array[] | null;
  tracker: GpuMemoryTracker | null;
  log?: (m: string) => void;
  /** called with each engine that was prepared (e.g. to read its plan) before it is disposed */
  inspect?: (name: string, engine: SREngine) => void;
}

export async function timeEnginesInterleaved(device: GPUDevice, engines: readonly BenchEngine[], frames: readonly FrameJob[], o: TimingOptions): Promise<EngineTimingResult[]> {
  const live: { spec: BenchEngine; engine: SREngine; result: EngineTimingResult }[] = [];
  const results: EngineTimingResult[] = [];
  for (const spec of engines) {
    o.log?.(`prepare ${spec.name}`);
    const base = o.tracker?.live ?? 0;
    o.tracker?.resetPeak();
    const t0 = performance.now();
    const result: EngineTimingResult = { engine: spec.name, frameMs: [], gpuMs: [], prepareMs: 0, peakGpuBytes: 0, maxAbsErr: null };
    results.push(result);
    try {
      const engine = await spec.make();
      await engine.prepare();
      result.prepareMs = performance.now() - t0;
      for (let i = 0; i < o.warmup; i++) await engine.run(frames[i % frames.length]);
      result.peakGpuBytes = o.tracker ? o.tracker.peak - base : 0;
      live.push({ spec, engine, result });
    } catch (e) {
      result.prepareMs = performance.now() - t0;
      result.error = String((e as Error).stack ?? e);
    }
  }
  for (let round = 0; round < o.timed; round++) {
    o.log?.(`round ${round + 1} of ${o.timed}`);
    for (let j = 0; j < live.length; j++) {
      const { engine, result } = live[(round + j) % live.length];
      if (result.error) continue;
      try {
        const r = await engine.run(frames[round % frames.length]);
        result.frameMs.push(r.wallMs);
        result.gpuMs.push(r.gpuMs);
      } catch (e) {
        result.error = String((e as Error).stack ?? e);
      }
    }
  }
  for (const { spec, engine, result } of live) {
    try {
      if (o.reference && !result.error) {
        await engine.run(frames[0]);
        const rgba = await readTextureRgba(device, frames[0].hr);
        result.maxAbsErr = hrTextureError(rgba, frames[0].hr.width, frames[0].patches, o.reference, o.scale);
      }
      o.inspect?.(spec.name, engine);
    } finally {
      engine.dispose();
    }
  }
  return results;
}

// Model FLOPs of SR, one definition for the manifest (`gflopsPerFrame`), `--max-gflops-per-frame`, the player's
// real-time forecast and the bench: what the compiled engine executes per patch (docs/pack-format.md).
import { pathConvs } from './path-params.js';
import { DEFAULT_EXPANSION } from './wdsr-spec.js';

/** What the cost of a path depends on (a manifest path has no `expansion`: the packer always uses the default). */
export interface PathCost { blocks: number; channels: number; expansion?: number }

/** A patch as far as its cost goes: its shape and the path that serves it; `count` such patches (default 1). */
export interface CostedPatch { w: number; h: number; path: number; count?: number }

/**
 * Multiply-accumulates of one path on one h x w patch: head and block convs over the haloed crop
 * (h + 2*halo) x (w + 2*halo), as every engine runs them; the tail and skip convs on the centre h x w only,
 * the part of the output that is kept (the compiled engine's fused tail computes just that; ORT computes the
 * tail over the whole crop, which is not counted). Elementwise ops (mean, ReLU, residual adds, shuffle) are
 * not MACs. The count equals the sum of `macsPerPatch` of compileShapeClass's kernels (sr-cost.test.ts).
 */
export function patchMacs(p: PathCost, scale: number, h: number, w: number, halo: number): number {
  const spec = { id: 0, patch: [h, w] as [number, number], blocks: p.blocks, channels: p.channels, expansion: p.expansion ?? DEFAULT_EXPANSION };
  const crop = (h + 2 * halo) * (w + 2 * halo), centre = h * w;
  let macs = 0;
  for (const { name, dims: [o, i, kh, kw] } of pathConvs(spec, scale)) {
    const onCentre = name.endsWith('.tail') || name.endsWith('.skip');
    macs += (onCentre ? centre : crop) * o * i * kh * kw;
  }
  return macs;
}

/** FLOP = 2 x MAC. */
export const patchFlops = (p: PathCost, scale: number, h: number, w: number, halo: number): number => 2 * patchMacs(p, scale, h, w, halo);

/** GFLOP of SR of one frame: the sum over its patches, each by the path that serves it (`paths[patch.path]`). */
export function frameGflop(patches: readonly CostedPatch[], paths: readonly PathCost[], scale: number, halo: number): number {
  const perShape = new Map<string, number>();
  let flops = 0;
  for (const q of patches) {
    const key = `${q.path}:${q.w}x${q.h}`;
    let f = perShape.get(key);
    if (f === undefined) {
      const p = paths[q.path];
      if (!p) throw new Error(`patch path ${q.path} is not one of the model's ${paths.length} paths`);
      f = patchFlops(p, scale, q.h, q.w, halo);
      perShape.set(key, f);
    }
    flops += f * (q.count ?? 1);
  }
  return flops / 1e9;
}

export interface GflopsPerFrame { mean: number; max: number }

/** `{mean, max}` of frameGflop over a clip's frames, rounded to 0.1 MFLOP (max rounded up, so it stays an upper bound). */
export function gflopsPerFrame(frames: readonly (readonly CostedPatch[])[], paths: readonly PathCost[], scale: number, halo: number): GflopsPerFrame {
  if (frames.length === 0) throw new Error('gflopsPerFrame: no frames');
  const tally = new GflopsTally(paths, scale, halo);
  for (const f of frames) tally.add(f);
  return tally.result();
}

/**
 * gflopsPerFrame one frame at a time, keeping only a sum and a max: a long video's layout is never held whole
 * (`dydca eval` streams it). Loops, not Math.max(...per): a long video has more frames than a call takes arguments.
 */
export class GflopsTally {
  private sum = 0;
  private max = 0;
  private n = 0;
  constructor(private readonly paths: readonly PathCost[], private readonly scale: number, private readonly halo: number) {}

  add(patches: readonly CostedPatch[]): void {
    const g = frameGflop(patches, this.paths, this.scale, this.halo);
    this.sum += g;
    this.max = Math.max(this.max, g);
    this.n++;
  }

  result(): GflopsPerFrame {
    if (this.n === 0) throw new Error('gflopsPerFrame: no frames');
    return { mean: Math.round((this.sum / this.n) * 1e4) / 1e4, max: Math.ceil(this.max * 1e4 - 1e-6) / 1e4 };
  }
}

/**
 * Throughput a model needs over its bare GFLOP per frame x fps to count as real time: the packer sizes the phone tier
 * with it and the player's tier choice keeps it (src/player/tier-choice.ts). 1.25 leaves a fifth of the frame period for
 * everything SR does not count (upload, compose, present) and for the measurement's noise.
 */
export const REAL_TIME_MARGIN = 1.25;

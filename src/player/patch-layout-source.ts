// The patch layout of a frame, fetched only as far as playback needs it: with a segmented layout (manifest
// `patches.segments`) the segment holding the frame (and the next one, ahead of time), a few kept; otherwise the
// whole patches.json once. Time to the first SR frame then does not grow with the video's length.
import type { PatchRect } from '../format/patch.js';
import { loadLayoutSegment, loadWholeLayout, type LoadProgress, type PackHead } from './pack-loader.js';
import type { NetworkFetcher } from './network-fetcher.js';

/** Segments kept in memory (the one playing, the next, and one behind for short seeks back). */
const KEPT_SEGMENTS = 4;

export class PatchLayoutSource {
  private whole: Promise<PatchRect[][]> | null = null;
  private readonly segments = new Map<number, Promise<PatchRect[][]>>();
  private readonly ready = new Map<number, PatchRect[][]>();

  /** `prefetch(k)`: whether to fetch segment k ahead (a ladder's rung fetches only the segments it plays) */
  constructor(private readonly head: PackHead, private readonly net: NetworkFetcher, private readonly onProgress?: LoadProgress,
    private readonly prefetch: (k: number) => boolean = () => true) {}

  /** Frame `index`'s patches (LR px). */
  async frame(index: number): Promise<PatchRect[]> {
    const { k, at, perSegment } = this.locate(index);
    if (perSegment === null) {
      this.whole ??= loadWholeLayout(this.head, this.net, this.onProgress).then((l) => { this.ready.set(0, l); return l; });
      return (await this.whole)[at];
    }
    const frames = await this.segment(k);
    // the next segment is fetched while this one plays
    if (at >= perSegment / 2 && k + 1 < this.head.segmentUrls!.length && this.prefetch(k + 1)) void this.segment(k + 1).catch(() => undefined);
    return frames[at];
  }

  /** Frame `index`'s patches if already here, else null (for stats, which must not wait). */
  cached(index: number): PatchRect[] | null {
    const { k, at } = this.locate(index);
    return this.ready.get(k)?.[at] ?? null;
  }

  /** Which loaded list holds frame `index` (segment k, or 0: the whole layout) and where in it. */
  private locate(index: number): { k: number; at: number; perSegment: number | null } {
    const seg = this.head.manifest.patches.segments;
    if (!seg || !this.head.segmentUrls) return { k: 0, at: index, perSegment: null };
    const k = Math.floor(index / seg.frames);
    return { k, at: index - k * seg.frames, perSegment: seg.frames };
  }

  private segment(k: number): Promise<PatchRect[][]> {
    let p = this.segments.get(k);
    if (!p) {
      p = loadLayoutSegment(this.head, k, this.net).then((l) => { this.ready.set(k, l); return l; });
      // the fetcher retried already (and waits out offline): a segment it gave up on stays failed, said once per ask
      p.catch(() => undefined);
      this.segments.set(k, p);
      for (const old of [...this.segments.keys()].filter((x) => Math.abs(x - k) > 1).slice(0, Math.max(0, this.segments.size - KEPT_SEGMENTS))) {
        this.segments.delete(old);
        this.ready.delete(old);
      }
    }
    return p;
  }
}

/** What the player reads layouts through: one pack's, or a ladder's (each frame's from the rung it plays in). */
export interface FrameLayouts {
  frame(index: number): Promise<PatchRect[]>;
  cached(index: number): PatchRect[] | null;
}

/** A bitrate ladder's layouts: frame i's from the rung its LR segment was fetched from (`rungOf`), else `fallback()`'s. */
export class LadderLayouts implements FrameLayouts {
  readonly sources: PatchLayoutSource[];
  constructor(heads: PackHead[], net: NetworkFetcher, private readonly rungOf: (frame: number) => number | null, private readonly fallback: () => number,
    segmentFrames: number) {
    this.sources = heads.map((h, r) => new PatchLayoutSource(h, net, undefined, (k) => this.rungOf(k * segmentFrames) === r));
  }
  frame(index: number): Promise<PatchRect[]> { return this.sources[this.rungOf(index) ?? this.fallback()].frame(index); }
  cached(index: number): PatchRect[] | null { const r = this.rungOf(index); return r === null ? null : this.sources[r].cached(index); }
}

// CMAF segments (manifest `lr.segments` / `hr.segments`) as an EncodedVideoSource: the init segment once, then the
// segments playback needs, fetched in order up to the buffering goals ahead (buffer-plan.ts) and released behind,
// so memory does not grow with the video's length. A seek fetches the segment holding its frame (it starts with a
// key frame). Each segment is demuxed on its own by mp4box.js (init + segment); sample timestamps are put on the
// frame grid from the segment's position, whatever the encoder's composition offsets.
// A bitrate ladder (manifest `renditions`) is one source over several aligned streams ("rungs"): each segment is
// fetched from the rung `choose` names when its fetch starts (the ABR), and keeps that rung while it is held; the
// decoder is reconfigured where the rung changes (configAt), always at a segment start, a key frame.
import { createFile, MP4BoxBuffer, type Movie, type Sample } from 'mp4box';
import type { StreamSegments } from '../format/manifest.js';
import { BUFFER_GOALS, bufferPlanForLanes, type BufferGoals } from './buffer-plan.js';
import { decoderConfig } from './mp4-demuxer.js';
import { DECODE_LOOKAHEAD, type DemuxedSample, type EncodedVideoSource } from './encoded-video-source.js';
import type { NetworkFetcher } from './network-fetcher.js';
import { PackError } from './pack-loader.js';

/** Where a segmented stream's files are (URLs checked by the pack loader) and what the manifest says of them. */
export interface SegmentedStream {
  what: string; initUrl: string; urls: string[]; segments: StreamSegments; frames: number;
  /** the frame size the manifest claims (checked against the init segment), where known */
  width?: number; height?: number;
}

/** Picks the rung segment k is fetched from, when its fetch starts. */
export type RungChooser = (k: number) => number;

/** init segments are a few hundred bytes; more is not an init segment */
const MAX_INIT_BYTES = 1 << 20;

export class SegmentedDemuxer implements EncodedVideoSource {
  /** segments the server would not give (after the fetcher's retries), by index */
  private readonly failures = new Map<number, Error>();
  /** a seek in progress: fetch nothing ahead */
  private focused = false;
  private inits: ArrayBuffer[] = [];
  private configs: VideoDecoderConfig[] = [];
  /** segments here: their rung and samples */
  private readonly held = new Map<number, { rung: number; samples: DemuxedSample[] }>();
  private fetching: { k: number; abort: AbortController } | null = null;
  private readonly lanes = new Map<object, number>();
  private waiters: (() => void)[] = [];
  private closed = false;
  private readonly streams: SegmentedStream[];
  /** the rung the last fetch was chosen from (its sizes stand for the segments not fetched yet in the plan) */
  private lastRung = 0;

  /** `stream`: one stream, or a ladder's rungs (aligned segments) with `choose` picking each segment's rung. */
  constructor(stream: SegmentedStream | SegmentedStream[], readonly fps: number, private readonly net: NetworkFetcher,
    private readonly goals: BufferGoals = BUFFER_GOALS, private readonly choose: RungChooser = () => 0) {
    this.streams = Array.isArray(stream) ? stream : [stream];
  }

  private get stream(): SegmentedStream { return this.streams[0]; }

  get url(): string { return this.stream.initUrl; }

  /** Rungs of the ladder (1 without). */
  get rungCount(): number { return this.streams.length; }

  async open(): Promise<VideoDecoderConfig> {
    // every rung's init segment (a few hundred bytes each): a switch then needs nothing but its segment
    for (const [r, s] of this.streams.entries()) {
      const bytes = await this.net.fetchBytes(s.initUrl, `${s.what} init segment`, { maxBytes: MAX_INIT_BYTES });
      this.inits[r] = bytes.buffer;
      this.configs[r] = await this.parseInit(s, bytes.buffer);
      if (this.streams.length > 1 && s.width !== undefined && (this.configs[r].codedWidth !== s.width || this.configs[r].codedHeight !== s.height)) {
        throw new PackError(`${s.initUrl}: the video is ${this.configs[r].codedWidth}x${this.configs[r].codedHeight} but the manifest says its frames are ` +
          `${s.width}x${s.height}; the pack's manifest and video do not belong together (re-pack it)`);
      }
    }
    this.schedule();
    return this.configs[0];
  }

  private parseInit(s: SegmentedStream, init: ArrayBuffer): Promise<VideoDecoderConfig> {
    return new Promise<VideoDecoderConfig>((resolve, reject) => {
      let done = false;
      const file = createFile();
      file.onError = (_m: string, message: string) => { done = true; reject(new PackError(`${s.initUrl}: not a readable MP4 init segment (${message})`)); };
      file.onReady = (info: Movie) => {
        done = true;
        const track = info.videoTracks[0];
        if (!track) { reject(new PackError(`${s.initUrl}: no video track`)); return; }
        resolve(decoderConfig(file, track));
      };
      file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(init.slice(0), 0));
      file.flush();
      if (!done) reject(new PackError(`${s.initUrl}: the init segment holds no video track description (moov)`));
    });
  }

  private segmentOf(frame: number): number { return Math.min(this.stream.segments.files.length - 1, Math.floor(frame / this.stream.segments.frames)); }

  /** Frames in segment k, and its bytes in rung r. */
  private size(k: number, r: number): { frames: number; bytes: number } {
    const s = this.streams[r].segments;
    return { frames: Math.min(s.frames, this.stream.frames - k * s.frames), bytes: s.bytes[k] };
  }

  problem(frame: number): Error | null {
    return this.failures.get(this.segmentOf(frame)) ?? this.failures.get(this.segmentOf(Math.min(this.stream.frames - 1, frame + DECODE_LOOKAHEAD))) ?? null;
  }

  focus(on: boolean): void {
    this.focused = on;
    if (!on) this.schedule();
  }

  sample(p: number): DemuxedSample | null {
    const k = this.segmentOf(p);
    return this.held.get(k)?.samples[p - k * this.stream.segments.frames] ?? null;
  }

  /** The decoder config for the sample at decode position `p` (its segment's rung), or null while it is not here. */
  configAt(p: number): VideoDecoderConfig | null {
    const h = this.held.get(this.segmentOf(p));
    return h ? this.configs[h.rung] : null;
  }

  /** The rung frame `frame` is held in, or null while its segment is not here. */
  rungOf(frame: number): number | null { return this.held.get(this.segmentOf(frame))?.rung ?? null; }

  total(): number { return this.stream.frames; }

  /** Every segment starts with a key frame. */
  keyFor(frame: number): number { return this.segmentOf(frame) * this.stream.segments.frames; }

  frameIndex(timestampUs: number): number { return Math.round((timestampUs * this.fps) / 1e6); }

  hasFrame(frame: number): boolean {
    return this.held.has(this.segmentOf(frame)) && this.held.has(this.segmentOf(Math.min(this.stream.frames - 1, frame + DECODE_LOOKAHEAD)));
  }

  bufferedSeconds(frame: number): number {
    let k = this.segmentOf(frame);
    if (!this.held.has(k)) return 0;
    while (this.held.has(k + 1)) k++;
    return Math.max(0, (Math.min(this.stream.frames, (k + 1) * this.stream.segments.frames) - frame) / this.fps);
  }

  /** Bytes of encoded video held (the buffer). */
  get heldBytes(): number {
    let n = 0;
    for (const h of this.held.values()) for (const s of h.samples) n += s.chunk.byteLength;
    return n;
  }

  need(frame: number, lane: object): void {
    this.lanes.delete(lane); // the lane that asked last comes first (Map order)
    this.lanes.set(lane, frame);
    this.schedule();
  }

  release(lane: object): void {
    this.lanes.delete(lane);
    if (this.lanes.size > 0) return;
    this.closed = true;
    this.fetching?.abort.abort();
    this.held.clear();
    this.wake();
  }

  changed(): Promise<void> { return new Promise((r) => this.waiters.push(r)); }

  /** Drops what the plan does not keep, and fetches the first segment it wants that is not here. */
  private schedule(): void {
    if (this.closed || this.lanes.size === 0 || this.configs.length < this.streams.length) return; // segments are read with the init segments
    const heads = [...this.lanes.values()].reverse().map((f) => this.segmentOf(f));
    // the plan's byte goal counts held segments at their rung, the rest at the rung fetched last
    const sizes = this.stream.segments.files.map((_, k) => this.size(k, this.held.get(k)?.rung ?? this.lastRung));
    const plan = bufferPlanForLanes(sizes, this.fps, heads, this.goals);
    for (const k of this.held.keys()) if (!plan.keep.has(k)) this.held.delete(k);
    // seeking: the segments of the lanes' frames (and the next, for the decoder's look-ahead) before anything ahead
    const wanted = this.focused ? bufferPlanForLanes(sizes, this.fps, heads, { ...this.goals, aheadSeconds: 0, aheadBytes: 0 }).fetch : plan.fetch;
    const next = wanted.find((k) => !this.held.has(k) && !this.failures.has(k));
    if (this.fetching) {
      if (plan.keep.has(this.fetching.k)) return; // one request at a time, in playback order
      this.fetching.abort.abort(); // a seek left it behind
      this.fetching = null;
    }
    if (next !== undefined) void this.fetch(next);
  }

  private async fetch(k: number): Promise<void> {
    const abort = new AbortController();
    this.fetching = { k, abort };
    // the rung is chosen as the fetch starts: with the throughput and the buffer as they are now
    const rung = this.streams.length === 1 ? 0 : Math.max(0, Math.min(this.streams.length - 1, this.choose(k)));
    this.lastRung = rung;
    const stream = this.streams[rung], url = stream.urls[k];
    try {
      const bytes = await this.net.fetchBytes(url, `${stream.what} segment ${k}`, { signal: abort.signal, maxBytes: Math.max(1 << 20, 4 * this.size(k, rung).bytes) });
      if (abort.signal.aborted) return;
      this.held.set(k, { rung, samples: this.demux(k, rung, bytes, url) });
    } catch (e) {
      if (abort.signal.aborted) return;
      // said when playback reaches this segment, not while it plays the ones before
      this.failures.set(k, e instanceof Error ? e : new Error(String(e)));
    } finally {
      if (this.fetching?.abort === abort) this.fetching = null;
      this.wake();
    }
    this.schedule();
  }

  /** Segment k's samples in decode order, timestamps on the frame grid (its first shown frame is frame k * F). */
  private demux(k: number, rung: number, bytes: Uint8Array<ArrayBuffer>, url: string): DemuxedSample[] {
    const stream = this.streams[rung], init = this.inits[rung];
    const samples: Sample[] = [];
    let problem: string | null = null;
    const file = createFile();
    file.onError = (_m: string, message: string) => { problem = message; };
    file.onReady = (info: Movie) => {
      const track = info.videoTracks[0];
      if (!track) { problem = 'no video track'; return; }
      file.setExtractionOptions(track.id, undefined, { nbSamples: 100_000 });
      file.start();
    };
    file.onSamples = (_id: number, _u: unknown, s: Sample[]) => { for (const x of s) if (x.data) samples.push(x); };
    file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(init.slice(0), 0));
    file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), init.byteLength));
    file.flush();
    const expected = this.size(k, rung).frames;
    if (problem || samples.length !== expected || !samples[0]?.is_sync) {
      throw new PackError(`The ${stream.what} segment ${url} is not what the manifest says: ` +
        (problem ? `not a readable MP4 fragment (${problem})` : samples.length !== expected ? `it holds ${samples.length} frames, the manifest says ${expected}`
          : 'it does not start with a key frame') + '; the pack is damaged: re-pack it');
    }
    let first = Infinity;
    for (const s of samples) first = Math.min(first, s.cts);
    const base = k * this.stream.segments.frames;
    return samples.map((s) => {
      const frame = base + Math.round(((s.cts - first) / s.timescale) * this.fps);
      const timestampUs = Math.round((frame * 1e6) / this.fps);
      const chunk = new EncodedVideoChunk({ type: s.is_sync ? 'key' : 'delta', timestamp: timestampUs, duration: Math.round(1e6 / this.fps), data: s.data! });
      return { chunk, isKey: s.is_sync, timestampUs };
    });
  }

  private wake(): void { const w = this.waiters; this.waiters = []; for (const f of w) f(); }
}

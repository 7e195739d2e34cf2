// A progressive MP4 (a pack's lr.mp4 / hr.mp4 without segments) as an EncodedVideoSource: fetched from its first
// byte through the NetworkFetcher (stalls and dropped connections resume from the byte reached) and demuxed with
// mp4box.js while it downloads. It keeps every sample: older packs, whose streams are one file, hold their whole
// encoded video in memory; segmented packs (segmented-demuxer.ts) do not.
import { createFile, DataStream, Endianness, MP4BoxBuffer, type Movie, type Sample } from 'mp4box';
import { DECODE_LOOKAHEAD, type DemuxedSample, type EncodedVideoSource } from './encoded-video-source.js';
import type { NetworkFetcher } from './network-fetcher.js';

export type { DemuxedSample };

export class Mp4Demuxer implements EncodedVideoSource {
  readonly samples: DemuxedSample[] = [];
  config: VideoDecoderConfig | null = null;
  complete = false;
  error: Error | null = null;
  /** bytes downloaded so far, and the file's size where the server said it (for "loading in words") */
  bytesLoaded = 0;
  bytesTotal: number | null = null;
  private waiters: (() => void)[] = [];
  private readonly abort = new AbortController();
  private readonly lanes = new Set<object>();
  /** the earliest presentation timestamp seen (frame 0), from the first samples */
  private firstUs: number | null = null;

  constructor(readonly url: string, readonly fps: number, private readonly net: NetworkFetcher, private readonly what = 'video') {}

  /** Starts the download; resolves once the decoder config (moov) is known. */
  async open(): Promise<VideoDecoderConfig> {
    const file = createFile();
    file.onError = (_module: string, message: string) => this.fail(new Error(`${this.url}: not a readable MP4 (${message})`));
    file.onReady = (info: Movie) => {
      const track = info.videoTracks[0];
      if (!track) { this.fail(new Error(`${this.url}: no video track`)); return; }
      this.config = decoderConfig(file, track);
      file.setExtractionOptions(track.id, undefined, { nbSamples: 64 });
      file.start();
      this.wake();
    };
    file.onSamples = (_id: number, _user: unknown, samples: Sample[]) => {
      for (const s of samples) {
        if (!s.data) continue;
        const timestampUs = Math.round((1e6 * s.cts) / s.timescale);
        const chunk = new EncodedVideoChunk({ type: s.is_sync ? 'key' : 'delta', timestamp: timestampUs, duration: Math.round((1e6 * s.duration) / s.timescale), data: s.data });
        this.samples.push({ chunk, isKey: s.is_sync, timestampUs });
        // frame 0 is the earliest of the first few samples in decode order (B-frames come after their reference)
        if (this.samples.length <= 8) this.firstUs = Math.min(this.firstUs ?? timestampUs, timestampUs);
      }
      this.wake();
    };
    void this.download(file);
    while (!this.config) {
      if (this.error) throw this.error;
      if (this.complete) throw new Error(`${this.url}: the file ended before its video track description (moov)`);
      await this.changed();
    }
    return this.config;
  }

  sample(p: number): DemuxedSample | null { return this.samples[p] ?? null; }

  problem(_frame: number): Error | null { return this.error; }

  total(): number | null { return this.complete ? this.samples.length : null; }

  keyFor(frame: number): number {
    let key = 0;
    for (let i = 0; i < this.samples.length; i++) if (this.samples[i].isKey && this.frameIndex(this.samples[i].timestampUs) <= frame) key = i;
    return key;
  }

  frameIndex(timestampUs: number): number { return Math.round(((timestampUs - (this.firstUs ?? 0)) * this.fps) / 1e6); }

  need(_frame: number, lane: object): void { this.lanes.add(lane); }

  /** The file streams from its first byte: a frame is here once the samples after it are (or the file ended). */
  hasFrame(frame: number): boolean { return this.complete || this.samples.length > frame + DECODE_LOOKAHEAD; }

  bufferedSeconds(frame: number): number { return Math.max(0, (this.samples.length - frame) / this.fps); }

  /** Resolves when more samples arrive, the download completes, or it fails. */
  changed(): Promise<void> { return new Promise((resolve) => this.waiters.push(resolve)); }

  release(lane: object): void {
    this.lanes.delete(lane);
    if (this.lanes.size === 0) { this.abort.abort(); this.wake(); }
  }

  private async download(file: ReturnType<typeof createFile>): Promise<void> {
    try {
      await this.net.stream(this.url, this.what, (chunk) => {
        const copy = chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength) as ArrayBuffer;
        file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(copy, this.bytesLoaded));
        this.bytesLoaded += chunk.byteLength;
      }, { signal: this.abort.signal, onResponse: (n) => { this.bytesTotal = n; } });
      file.flush();
      this.complete = true;
      this.wake();
    } catch (e) {
      if (!this.abort.signal.aborted) this.fail(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private fail(e: Error): void { this.error = e; this.complete = true; this.wake(); }
  private wake(): void { const w = this.waiters; this.waiters = []; for (const f of w) f(); }
}

/** The WebCodecs decoder config of `track` (a progressive file's moov, or a segmented stream's init segment). */
export function decoderConfig(file: ReturnType<typeof createFile>, track: Movie['videoTracks'][number]): VideoDecoderConfig {
  return {
    codec: track.codec,
    codedWidth: track.video?.width ?? track.track_width,
    codedHeight: track.video?.height ?? track.track_height,
    description: decoderDescription(file.getTrackById(track.id)),
    optimizeForLatency: true,
  };
}

/** The avcC/hvcC/vpcC/av1C box body, which WebCodecs wants as `description`. */
function decoderDescription(trak: ReturnType<ReturnType<typeof createFile>['getTrackById']>): Uint8Array | undefined {
  for (const entry of trak.mdia.minf.stbl.stsd.entries) {
    const e = entry as unknown as Record<string, { write(s: DataStream): void } | undefined>;
    const box = e.avcC ?? e.hvcC ?? e.vpcC ?? e.av1C;
    if (box) {
      const stream = new DataStream(undefined, 0, Endianness.BIG_ENDIAN);
      box.write(stream);
      return new Uint8Array(stream.buffer, 8); // drop the box header
    }
  }
  return undefined;
}

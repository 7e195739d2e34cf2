// Fetches an MP4 progressively and demuxes its first video track with mp4box.js into EncodedVideoChunks
// plus the VideoDecoderConfig; samples become available while the download is still running.
import { createFile, DataStream, Endianness, MP4BoxBuffer, type Movie, type Sample } from 'mp4box';
import { fetchOk } from './pack-loader.js';

export interface DemuxedSample { chunk: EncodedVideoChunk; isKey: boolean; timestampUs: number }

export class Mp4Demuxer {
  readonly samples: DemuxedSample[] = [];
  config: VideoDecoderConfig | null = null;
  complete = false;
  error: Error | null = null;
  /** bytes downloaded so far, and the file's size where the server said it (for "loading in words") */
  bytesLoaded = 0;
  bytesTotal: number | null = null;
  private waiters: (() => void)[] = [];
  private readonly abort = new AbortController();

  constructor(readonly url: string) {}

  /** Starts the download; resolves once the decoder config (moov) is known. */
  async open(): Promise<VideoDecoderConfig> {
    const file = createFile();
    file.onError = (_module: string, message: string) => this.fail(new Error(`${this.url}: not a readable MP4 (${message})`));
    file.onReady = (info: Movie) => {
      const track = info.videoTracks[0];
      if (!track) { this.fail(new Error(`${this.url}: no video track`)); return; }
      this.config = {
        codec: track.codec,
        codedWidth: track.video?.width ?? track.track_width,
        codedHeight: track.video?.height ?? track.track_height,
        description: decoderDescription(file.getTrackById(track.id)),
        optimizeForLatency: true,
      };
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

  /** Resolves when more samples arrive, the download completes, or it fails. */
  changed(): Promise<void> { return new Promise((resolve) => this.waiters.push(resolve)); }

  close(): void { this.abort.abort(); this.wake(); }

  private async download(file: ReturnType<typeof createFile>): Promise<void> {
    let offset = 0;
    try {
      const response = await fetchOk(this.url, 'video', { signal: this.abort.signal });
      if (!response.body) throw new Error(`The video at ${this.url} came with no body (HTTP ${response.status}); check the server`);
      const declared = Number(response.headers.get('content-length'));
      this.bytesTotal = declared > 0 ? declared : null;
      const reader = response.body.getReader();
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try { chunk = await reader.read(); } catch (e) {
          if (this.abort.signal.aborted) return;
          throw new Error(`The download of the video at ${this.url} broke off after ${offset} bytes (${(e as Error).message}); check the connection and reload`);
        }
        const { done, value } = chunk;
        if (done) break;
        const copy = value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
        file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(copy, offset));
        offset += value.byteLength;
        this.bytesLoaded = offset;
      }
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

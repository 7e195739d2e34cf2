// Random access to decoded frames of a streamed MP4 by frame index: WebCodecs VideoDecoder fed from the
// demuxer a few samples ahead, frames indexed by timestamp, seeks restart from the previous key frame.
import { Mp4Demuxer } from './mp4-demuxer.js';

/** Samples fed beyond the wanted frame, enough for H.264 reorder delay. */
const LOOKAHEAD = 6;

export class VideoFrameStream {
  private readonly demuxer: Mp4Demuxer;
  private decoder: VideoDecoder | null = null;
  private config: VideoDecoderConfig | null = null;
  private readonly decoded = new Map<number, VideoFrame>();
  private fed = 0;
  private flushed = false;
  private wanted = 0;
  private error: Error | null = null;
  /** the highest frame index output since the last decoder reset (output comes in display order) */
  private lastOutput = -1;
  private outputWaiters: (() => void)[] = [];

  /** streams decoding the same demuxer (fork()): the download is closed with the last of them */
  private readonly users: Set<VideoFrameStream>;

  constructor(source: string | VideoFrameStream, private readonly fps: number) {
    if (typeof source === 'string') {
      this.demuxer = new Mp4Demuxer(source);
      this.users = new Set([this]);
    } else {
      this.demuxer = source.demuxer;
      this.users = source.users;
      this.users.add(this);
      this.config = source.config;
      if (this.config) this.resetDecoder(0);
    }
  }

  /**
   * A second decoder over the same download: its own position in the video (e.g. SR decoding ahead of the frames
   * shown), no second fetch. Call after open().
   */
  fork(): VideoFrameStream {
    if (!this.config) throw new Error('VideoFrameStream: open() before fork()');
    return new VideoFrameStream(this, this.fps);
  }

  /** `expected`: the size the manifest claims; a mismatch is refused before anyone allocates for the claim. */
  async open(expected?: { width: number; height: number; what: string }): Promise<void> {
    this.config = await this.demuxer.open();
    if (expected && (this.config.codedWidth !== expected.width || this.config.codedHeight !== expected.height)) {
      throw new Error(`${this.demuxer.url}: the video is ${this.config.codedWidth}x${this.config.codedHeight} but the manifest says ${expected.what} ` +
        `frames are ${expected.width}x${expected.height}; the pack's manifest and video do not belong together (re-pack it)`);
    }
    const support = await VideoDecoder.isConfigSupported(this.config);
    if (!support.supported) throw new Error(`${this.demuxer.url}: this browser cannot decode ${this.config.codec} (WebCodecs)`);
    this.resetDecoder(0);
  }

  private frameIndex(timestampUs: number): number {
    const first = this.demuxer.samples.length > 0 ? Math.min(...this.demuxer.samples.slice(0, 8).map((s) => s.timestampUs)) : 0;
    return Math.round(((timestampUs - first) * this.fps) / 1e6);
  }

  private resetDecoder(fromSample: number): void {
    this.decoder?.close();
    for (const f of this.decoded.values()) f.close();
    this.decoded.clear();
    this.decoder = new VideoDecoder({
      output: (frame) => {
        const index = this.frameIndex(frame.timestamp);
        this.lastOutput = Math.max(this.lastOutput, index);
        if (index < this.wanted || this.decoded.has(index)) frame.close(); else this.decoded.set(index, frame);
        this.wakeOutput();
      },
      error: (e) => { this.error = new Error(`${this.demuxer.url}: decode failed (${e.message})`); this.wakeOutput(); },
    });
    if (!this.config) throw new Error('VideoFrameStream: open() first');
    this.decoder.configure(this.config);
    this.fed = fromSample;
    this.flushed = false;
    this.lastOutput = -1;
  }

  /**
   * The decoded frame `index`, owned by the stream: valid until the next call that asks for a later frame.
   * Frames before `index` are released.
   */
  async frameAt(index: number): Promise<VideoFrame> {
    // A non-integer index would never match a decoded frame and the loop below would wait for it forever.
    if (!Number.isInteger(index) || index < 0) throw new RangeError(`${this.demuxer.url}: frame index ${index} is not a whole number >= 0`);
    const samples = this.demuxer.samples;
    const cached = this.decoded.get(index);
    const behind = index < this.wanted || (!cached && this.fed > index + LOOKAHEAD + 8);
    if (behind) {
      // Seek: restart from the last key frame at or before the target.
      let key = 0;
      for (let i = 0; i < samples.length; i++) if (samples[i].isKey && this.frameIndex(samples[i].timestampUs) <= index) key = i;
      this.resetDecoder(key);
    }
    this.wanted = index;
    for (const [i, f] of this.decoded) if (i < index) { f.close(); this.decoded.delete(i); }
    for (;;) {
      if (this.error) throw this.error;
      if (this.demuxer.error) throw this.demuxer.error;
      const frame = this.decoded.get(index);
      if (frame) return frame;
      // Frames come out in display order: once a later one came out, this one will not (timestamps off the fps grid).
      if (this.lastOutput > index) {
        throw new Error(`${this.demuxer.url}: there is no frame ${index} at ${this.fps} fps (the video has a frame at index ${this.lastOutput} but none at ${index}); ` +
          `the manifest's fps does not match the video: re-pack it`);
      }
      const decoder = this.decoder!;
      if (this.fed < samples.length && this.fed <= index + LOOKAHEAD) {
        const sample = samples[this.fed++];
        // After a reset the decoder needs a key frame first.
        decoder.decode(sample.chunk);
        continue;
      }
      if (this.fed >= samples.length && this.demuxer.complete) {
        if (this.flushed) {
          if (decoder.decodeQueueSize === 0) {
            throw new Error(`${this.demuxer.url}: frame ${index} is not in the video, which has ${samples.length} frames; the manifest lists more frames than the video has: re-pack it`);
          }
        } else {
          this.flushed = true;
          await decoder.flush();
          continue;
        }
      }
      await Promise.race([this.nextOutput(), this.fed >= samples.length ? this.demuxer.changed() : new Promise<void>((r) => setTimeout(r, 50))]);
    }
  }

  get sampleCount(): number { return this.demuxer.samples.length; }
  /** download progress of the video file */
  get bytes(): { loaded: number; total: number | null } { return { loaded: this.demuxer.bytesLoaded, total: this.demuxer.bytesTotal }; }

  close(): void {
    this.users.delete(this);
    if (this.users.size === 0) this.demuxer.close();
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
    for (const f of this.decoded.values()) f.close();
    this.decoded.clear();
  }

  private nextOutput(): Promise<void> { return new Promise((r) => this.outputWaiters.push(r)); }
  private wakeOutput(): void { const w = this.outputWaiters; this.outputWaiters = []; for (const f of w) f(); }
}

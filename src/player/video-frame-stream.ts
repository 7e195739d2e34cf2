// Random access to decoded frames of a stream by frame index: a WebCodecs VideoDecoder fed from an
// EncodedVideoSource a few samples ahead, frames indexed by timestamp; a seek (back, or forward past a key frame)
// restarts from the key frame before the target. Each lane tells the source where it is, so the source fetches
// what the lane needs next and releases what it left behind.
import { DECODE_LOOKAHEAD, type EncodedVideoSource } from './encoded-video-source.js';

/** frameAt of a stream closed meanwhile (the overlay turned off, the pack changed): nobody wants that frame. */
export class StreamClosed extends Error {}

export class VideoFrameStream {
  private decoder: VideoDecoder | null = null;
  private config: VideoDecoderConfig | null = null;
  private readonly decoded = new Map<number, VideoFrame>();
  private fed = 0;
  /** samples fed since the decoder was last configured (a ladder's rung change flushes them out first) */
  private fedSinceConfigure = 0;
  private flushed = false;
  private wanted = 0;
  private error: Error | null = null;
  /** the highest frame index output since the last decoder reset (output comes in display order) */
  private lastOutput = -1;
  private outputWaiters: (() => void)[] = [];
  /** close() was called: a frameAt waiting for data gives up instead of waiting for ever */
  private closed = false;

  constructor(readonly source: EncodedVideoSource, config: VideoDecoderConfig | null = null) {
    this.config = config;
    if (config) this.resetDecoder(0);
  }

  /**
   * A second decoder over the same source: its own position in the video (e.g. SR decoding ahead of the frames
   * shown), no second fetch. Call after open().
   */
  fork(): VideoFrameStream {
    if (!this.config) throw new Error('VideoFrameStream: open() before fork()');
    return new VideoFrameStream(this.source, this.config);
  }

  /** `expected`: the size the manifest claims; a mismatch is refused before anyone allocates for the claim. */
  async open(expected?: { width: number; height: number; what: string }): Promise<void> {
    this.source.need(0, this);
    this.config = await this.source.open();
    if (expected && (this.config.codedWidth !== expected.width || this.config.codedHeight !== expected.height)) {
      throw new Error(`${this.source.url}: the video is ${this.config.codedWidth}x${this.config.codedHeight} but the manifest says ${expected.what} ` +
        `frames are ${expected.width}x${expected.height}; the pack's manifest and video do not belong together (re-pack it)`);
    }
    const support = await VideoDecoder.isConfigSupported(this.config);
    if (!support.supported) throw new Error(`${this.source.url}: this browser cannot decode ${this.config.codec} (WebCodecs)`);
    this.resetDecoder(0);
  }

  private resetDecoder(fromSample: number): void {
    this.decoder?.close();
    for (const f of this.decoded.values()) f.close();
    this.decoded.clear();
    this.decoder = new VideoDecoder({
      output: (frame) => {
        const index = this.source.frameIndex(frame.timestamp);
        this.lastOutput = Math.max(this.lastOutput, index);
        if (index < this.wanted || this.decoded.has(index)) frame.close(); else this.decoded.set(index, frame);
        this.wakeOutput();
      },
      error: (e) => { this.error = new Error(`${this.source.url}: decode failed (${e.message})`); this.wakeOutput(); },
    });
    if (!this.config) throw new Error('VideoFrameStream: open() first');
    this.decoder.configure(this.config);
    this.fedSinceConfigure = 0;
    this.fed = fromSample;
    this.flushed = false;
    this.lastOutput = -1;
  }

  /**
   * This lane wants frame `index` next (the source fetches it and what follows); whether it can be had without
   * waiting for the network.
   */
  wantFrame(index: number): boolean {
    this.source.need(index, this);
    if (this.decoded.has(index)) return true;
    const problem = this.source.problem(index);
    if (problem) throw problem;
    return this.source.hasFrame(index);
  }

  /**
   * The decoded frame `index`, owned by the stream: valid until the next call that asks for a later frame.
   * Frames before `index` are released.
   */
  async frameAt(index: number): Promise<VideoFrame> {
    // A non-integer index would never match a decoded frame and the loop below would wait for it forever.
    if (!Number.isInteger(index) || index < 0) throw new RangeError(`${this.source.url}: frame index ${index} is not a whole number >= 0`);
    const src = this.source;
    src.need(index, this);
    const cached = this.decoded.get(index);
    if (!cached) {
      const key = src.keyFor(index);
      // back (before what was decoded) or forward past a key frame: restart there rather than decode the way
      if (index < this.wanted || this.fed > index + DECODE_LOOKAHEAD + 8 || key > this.fed) this.resetDecoder(key);
    }
    this.wanted = index;
    for (const [i, f] of this.decoded) if (i < index) { f.close(); this.decoded.delete(i); }
    for (;;) {
      if (this.closed) throw new StreamClosed(`${this.source.url}: the stream was closed while frame ${index} was wanted`);
      if (this.error) throw this.error;
      const problem = src.problem(index);
      if (problem) throw problem;
      const frame = this.decoded.get(index);
      if (frame) return frame;
      // Frames come out in display order: once a later one came out, this one will not (timestamps off the fps grid).
      if (this.lastOutput > index) {
        throw new Error(`${src.url}: there is no frame ${index} at ${src.fps} fps (the video has a frame at index ${this.lastOutput} but none at ${index}); ` +
          `the manifest's fps does not match the video: re-pack it`);
      }
      const decoder = this.decoder!;
      const total = src.total();
      if ((total === null || this.fed < total) && this.fed <= index + DECODE_LOOKAHEAD) {
        const sample = src.sample(this.fed);
        if (sample) {
          // a ladder's next rung (a segment start, a key frame): the frames of the last one come out first
          const config = src.configAt?.(this.fed) ?? null;
          if (config && config !== this.config) {
            if (this.fedSinceConfigure > 0) {
              try { await decoder.flush(); } catch (e) { if (this.decoder === decoder && !this.closed) throw e; }
            }
            if (this.decoder !== decoder || this.closed) continue; // reset or closed meanwhile
            this.config = config;
            decoder.configure(config);
            this.fedSinceConfigure = 0;
          }
          // After a reset the decoder needs a key frame first (keyFor gives one).
          this.fedSinceConfigure++;
          decoder.decode(sample.chunk);
          this.fed++;
          continue;
        }
      }
      if (total !== null && this.fed >= total) {
        if (this.flushed) {
          if (decoder.decodeQueueSize === 0) {
            throw new Error(`${src.url}: frame ${index} is not in the video, which has ${total} frames; the manifest lists more frames than the video has: re-pack it`);
          }
        } else {
          this.flushed = true;
          await decoder.flush();
          continue;
        }
      }
      const waiting = total !== null && this.fed >= total ? null : src.sample(this.fed) === null ? src.changed() : null;
      await Promise.race([this.nextOutput(), waiting ?? new Promise<void>((r) => setTimeout(r, 50))]);
    }
  }

  close(): void {
    this.closed = true;
    this.wakeOutput();
    this.source.release(this);
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
    for (const f of this.decoded.values()) f.close();
    this.decoded.clear();
  }

  private nextOutput(): Promise<void> { return new Promise((r) => this.outputWaiters.push(r)); }
  private wakeOutput(): void { const w = this.outputWaiters; this.outputWaiters = []; for (const f of w) f(); }
}

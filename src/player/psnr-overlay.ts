// The PSNR overlay's GPU side: streams the HR reference (hr.mp4 or its segments; only while the overlay is on: nothing is fetched otherwise), imports
// the frame shown into the HR reference texture and measures the shown frame and its bicubic against it, over the
// picture (a padded pack's textures are the coded size; the padding is never measured).
// A pack whose hr.mp4 is missing (HTTP 404) plays on: PSNR is null and `missing` says why.
import type { FrameSize } from '../format/manifest.js';
import { FrameImporter } from './frame-importer.js';
import { PsnrMeter } from './psnr-meter.js';
import { StreamClosed, VideoFrameStream } from './video-frame-stream.js';
import type { EncodedVideoSource } from './encoded-video-source.js';

export class PsnrOverlayError extends Error {}

export class PsnrOverlay {
  private stream: VideoFrameStream | null = null;
  private readonly meter: PsnrMeter;
  /** why there is no PSNR (the pack has no HR reference), or null */
  missing: string | null = null;

  constructor(private readonly device: GPUDevice, private readonly importer: FrameImporter, private readonly hrSource: () => EncodedVideoSource,
    private readonly hrRef: GPUTexture, private readonly picture: FrameSize) {
    this.meter = new PsnrMeter(device);
  }

  /**
   * Records the PSNR of each of `candidates` against HR frame `index` into `encoder` (the frame's one submit); the
   * returned function reads them after that submit: nulls when the pack has no HR reference.
   */
  async encode(encoder: GPUCommandEncoder, index: number, candidates: GPUTexture[]): Promise<() => Promise<(number | null)[]>> {
    const none = async () => candidates.map(() => null);
    if (this.missing) return none;
    try {
      let stream = this.stream;
      if (!stream) {
        stream = this.stream = new VideoFrameStream(this.hrSource());
        await stream.open({ width: this.hrRef.width, height: this.hrRef.height, what: 'HR' });
      }
      await this.importer.encode(encoder, await stream.frameAt(index), this.hrRef);
      const read = this.meter.encode(encoder, this.hrRef, candidates, this.picture);
      return async () => { try { return await read(); } catch (e) { throw this.failed(e); } };
    } catch (e) {
      if (e instanceof StreamClosed) return none; // turned off while this frame waited for its HR reference
      const error = this.failed(e);
      if (this.missing) return none;
      throw error;
    }
  }

  /** The overlay's error for `e`; a missing hr.mp4 (HTTP 404) sets `missing` instead of failing. */
  private failed(e: unknown): PsnrOverlayError {
    this.close(); // turning the overlay on again retries with a new stream
    const message = e instanceof Error ? e.message : String(e);
    const url = /at (\S+): HTTP 404/.exec(message)?.[1] ?? 'HTTP 404';
    if (/HTTP 404/.test(message)) this.missing = `This pack has no HR reference (${url}: HTTP 404), so there is no PSNR to show.`;
    return new PsnrOverlayError(`PSNR overlay: ${message}. Turn the overlay off to keep watching without it.`);
  }

  /** Stops streaming hr.mp4 (the overlay was turned off). */
  close(): void { this.stream?.close(); this.stream = null; }
}

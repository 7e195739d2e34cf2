// PSNR and SSIM of SR (the pack's model on the decoded LR frame, composed from patches) and of bicubic against the
// HR frame, over the picture only (a padded frame's edge-replicated border is cropped off first). One frame at a
// time: the packer's metrics jobs and `dydca eval` stream frames through it.
import type { PatchRect } from '../format/patch.js';
import { mean, psnrRgb8 } from '../format/psnr.js';
import { SsimReference } from '../format/ssim.js';
import { upscaleBicubic, type RgbImage } from './bicubic.js';
import { loadPatchModel, superResolveFrame, type PatchModel } from './patch-inference.js';
import { cropPicture } from './source-frames.js';

export interface FrameScores { psnrSR: number; psnrBicubic: number; ssimSR: number; ssimBicubic: number }

export class FrameMeter {
  private constructor(private readonly models: PatchModel[], private readonly scale: number) {}

  /** `onnxFiles`: one model serving every path, or (baselines) one per path id; `names` name them in errors. */
  static async open(onnxFiles: Uint8Array[], scale: number, halo: number, names?: string[]): Promise<FrameMeter> {
    const models: PatchModel[] = [];
    try {
      for (const [i, f] of onnxFiles.entries()) models.push(await loadPatchModel(f, scale, halo, names?.[i]));
    } catch (e) {
      for (const m of models) await m.session.release();
      throw e;
    }
    return new FrameMeter(models, scale);
  }

  /** Scores of one frame; `picture` is the part of the (padded) HR frame that is the video. */
  async measure(lr: RgbImage, hr: RgbImage, patches: PatchRect[], picture: { width: number; height: number }): Promise<FrameScores> {
    const { sr, up } = await this.render(lr, patches);
    return this.score(sr, up, hr, picture);
  }

  /** SR of every patch (whatever its mode) and bicubic of one LR frame. */
  async render(lr: RgbImage, patches: PatchRect[]): Promise<{ sr: RgbImage; up: RgbImage }> {
    return { sr: await this.renderSR(lr, patches), up: upscaleBicubic(lr, this.scale) };
  }

  /** SR of every patch of one LR frame (a tier's model beside the top one's: the bicubic frame is the same). */
  async renderSR(lr: RgbImage, patches: PatchRect[]): Promise<RgbImage> {
    return superResolveFrame((path) => {
      const m = this.models.length === 1 ? this.models[0] : this.models[path];
      if (!m) throw new Error(`patch path ${path} has no model (${this.models.length} model files)`);
      return m;
    }, lr, patches);
  }

  /** Scores of an SR and a bicubic frame against HR. */
  score(sr: RgbImage, up: RgbImage, hr: RgbImage, picture: { width: number; height: number }): FrameScores {
    const { width: w, height: h } = picture;
    const ref = cropPicture(hr.data, hr.width, w, h);
    const srPic = cropPicture(sr.data, sr.width, w, h), upPic = cropPicture(up.data, up.width, w, h);
    const ssim = SsimReference.ofRgb8(ref, w, h);
    return {
      psnrSR: round(psnrRgb8(srPic, ref), 3), psnrBicubic: round(psnrRgb8(upPic, ref), 3),
      ssimSR: round(ssim.ssimRgb8(srPic), 5), ssimBicubic: round(ssim.ssimRgb8(upPic), 5),
    };
  }

  /** PSNR of an SR frame against HR over the picture only (a tier's score: its bicubic and SSIM are not needed). */
  psnr(sr: RgbImage, hr: RgbImage, picture: { width: number; height: number }): number {
    const { width: w, height: h } = picture;
    return round(psnrRgb8(cropPicture(sr.data, sr.width, w, h), cropPicture(hr.data, hr.width, w, h)), 3);
  }

  async release(): Promise<void> {
    for (const m of this.models) await m.session.release();
  }
}

/** Per-frame lists and their means, as the manifest and eval report them. */
export interface FrameMetrics {
  psnrSR: number; psnrBicubic: number; psnrSRPerFrame: number[]; psnrBicubicPerFrame: number[];
  ssimSR: number; ssimBicubic: number; ssimSRPerFrame: number[]; ssimBicubicPerFrame: number[];
}

export function summarizeFrames(scores: readonly FrameScores[]): FrameMetrics {
  const col = (k: keyof FrameScores): number[] => scores.map((s) => s[k]);
  const psnrSRPerFrame = col('psnrSR'), psnrBicubicPerFrame = col('psnrBicubic'), ssimSRPerFrame = col('ssimSR'), ssimBicubicPerFrame = col('ssimBicubic');
  return {
    psnrSR: round(mean(psnrSRPerFrame), 3), psnrBicubic: round(mean(psnrBicubicPerFrame), 3), psnrSRPerFrame, psnrBicubicPerFrame,
    ssimSR: round(mean(ssimSRPerFrame), 5), ssimBicubic: round(mean(ssimBicubicPerFrame), 5), ssimSRPerFrame, ssimBicubicPerFrame,
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

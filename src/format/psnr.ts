// PSNR as the contract defines it: 8-bit RGB, whole frame, no border shave, 10*log10(1/MSE) in [0,1] units.

/** PSNR is reported capped here so identical frames give a finite, JSON-safe number. */
export const PSNR_CAP_DB = 100;

export function psnrRgb8(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`PSNR of images of different sizes (${a.length} vs ${b.length} bytes)`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  if (sum === 0) return PSNR_CAP_DB;
  const mse = sum / a.length / (255 * 255);
  return Math.min(PSNR_CAP_DB, 10 * Math.log10(1 / mse));
}

export function mean(values: number[]): number {
  return values.length === 0 ? NaN : values.reduce((s, v) => s + v, 0) / values.length;
}

/**
 * What to print for a video's PSNR without misleading. A frame SR or bicubic reproduces exactly (e.g. black) scores the
 * 100 dB cap, and one such frame lifts that side's mean of per-frame PSNR by up to 100/N dB: a clip opening with black
 * frames reported "SR 24.07 dB, bicubic 67.47 dB". So where any frame is capped the summary is the PSNR of the mean
 * squared error over the whole video (each frame's MSE from its PSNR; a capped frame counts as MSE 0), which no single
 * frame dominates; otherwise the contract's mean of per-frame PSNR.
 */
export interface PsnrSummary {
  frames: number;
  /** frames SR / bicubic reproduce exactly (at the cap) */
  exactSR: number; exactBicubic: number;
  /** the contract's mean of per-frame PSNR */
  meanSR: number; meanBicubic: number;
  /** PSNR of the mean squared error over all frames */
  videoSR: number; videoBicubic: number;
  /** which pair the summary line reports */
  reported: 'mean-of-frames' | 'video-mse';
}

export function summarizePsnr(srPerFrame: number[], bicubicPerFrame: number[]): PsnrSummary {
  const capped = (values: number[]) => values.filter((v) => v >= PSNR_CAP_DB).length;
  const videoPsnr = (values: number[]) => {
    const mse = mean(values.map((v) => (v >= PSNR_CAP_DB ? 0 : 10 ** (-v / 10))));
    return mse > 0 ? Math.min(PSNR_CAP_DB, 10 * Math.log10(1 / mse)) : PSNR_CAP_DB;
  };
  const exactSR = capped(srPerFrame), exactBicubic = capped(bicubicPerFrame);
  return {
    frames: srPerFrame.length, exactSR, exactBicubic, meanSR: mean(srPerFrame), meanBicubic: mean(bicubicPerFrame),
    videoSR: videoPsnr(srPerFrame), videoBicubic: videoPsnr(bicubicPerFrame),
    reported: exactSR + exactBicubic > 0 ? 'video-mse' : 'mean-of-frames',
  };
}

/** One line for the summary, saying which PSNR it is: `SR 24.07 dB, bicubic 21.31 dB (+2.76), mean of per-frame PSNR over 280 frames`. */
export function psnrSummaryLine(s: PsnrSummary): string {
  const pair = (sr: number, bic: number) => `SR ${sr.toFixed(2)} dB, bicubic ${bic.toFixed(2)} dB (${sr - bic >= 0 ? '+' : ''}${(sr - bic).toFixed(2)})`;
  if (s.reported === 'mean-of-frames') return `${pair(s.meanSR, s.meanBicubic)}, mean of per-frame PSNR over ${s.frames} frames`;
  const exact = [s.exactBicubic && `${s.exactBicubic} bicubic`, s.exactSR && `${s.exactSR} SR`].filter(Boolean).join(' and ');
  return `${pair(s.videoSR, s.videoBicubic)}, PSNR of the mean squared error over all ${s.frames} frames ` +
    `(frames reproduced exactly, e.g. black ones: ${exact}; they score the ${PSNR_CAP_DB} dB cap, so the mean of per-frame PSNR, ` +
    `SR ${s.meanSR.toFixed(2)} dB, bicubic ${s.meanBicubic.toFixed(2)} dB, would mislead)`;
}

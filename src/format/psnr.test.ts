import { describe, expect, it } from 'vitest';
import { PSNR_CAP_DB, psnrSummaryLine, summarizePsnr } from './psnr.js';

describe('summarizePsnr: frames at the 100 dB cap do not mislead the summary', () => {
  it('a clip opening with black frames bicubic reproduces exactly: PSNR of the video\'s MSE, said', () => {
    // 3 black frames: bicubic exact, SR at 45 dB; then 7 frames where SR beats bicubic by 2 dB
    const sr = [...Array(3).fill(45), ...Array(7).fill(26)];
    const bic = [...Array(3).fill(PSNR_CAP_DB), ...Array(7).fill(24)];
    const s = summarizePsnr(sr, bic);
    // the mean of per-frame PSNR says bicubic wins by 15 dB; over the video's MSE SR wins by about 2
    expect(s.meanBicubic - s.meanSR).toBeCloseTo(15.1, 6);
    expect(s).toMatchObject({ frames: 10, exactSR: 0, exactBicubic: 3, reported: 'video-mse' });
    expect(s.videoBicubic).toBeCloseTo(24 - 10 * Math.log10(0.7), 6);
    expect(s.videoSR - s.videoBicubic).toBeGreaterThan(1.9);
    expect(psnrSummaryLine(s)).toBe('SR 27.53 dB, bicubic 25.55 dB (+1.98), PSNR of the mean squared error over all 10 frames ' +
      '(frames reproduced exactly, e.g. black ones: 3 bicubic; they score the 100 dB cap, so the mean of per-frame PSNR, SR 31.70 dB, bicubic 46.80 dB, would mislead)');
  });
  it('no frame at the cap: the contract\'s mean of per-frame PSNR', () => {
    const s = summarizePsnr([30, 32], [28, 29]);
    expect(s).toMatchObject({ reported: 'mean-of-frames', meanSR: 31, meanBicubic: 28.5 });
    expect(psnrSummaryLine(s)).toBe('SR 31.00 dB, bicubic 28.50 dB (+2.50), mean of per-frame PSNR over 2 frames');
  });
  it('every frame exact on both sides', () => {
    expect(summarizePsnr([PSNR_CAP_DB], [PSNR_CAP_DB])).toMatchObject({ videoSR: PSNR_CAP_DB, videoBicubic: PSNR_CAP_DB, exactSR: 1, exactBicubic: 1 });
  });
});

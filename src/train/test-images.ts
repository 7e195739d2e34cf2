// Small real test images for training tests: ffmpeg's synthetic sources rendered at HR, the LR made
// by ffmpeg's bicubic downscale, and ffmpeg's bicubic upscale of the LR as the baseline.
import { execFileSync } from 'node:child_process';

function ffmpegRgb(args: string[], w: number, h: number): Uint8Array {
  const out = execFileSync('ffmpeg', ['-v', 'error', ...args, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 26 });
  if (out.length !== w * h * 3) throw new Error(`ffmpeg gave ${out.length} bytes; expected ${w}x${h}x3`);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

export interface TestImagePair { hr: Uint8Array; lr: Uint8Array; bicubic: Uint8Array; lrW: number; lrH: number }

/** `source` is an ffmpeg lavfi source such as `testsrc2` or `mandelbrot`; sizes in HR pixels. */
export function lavfiImagePair(source: string, hrW: number, hrH: number, scale: number, seekSec = 0): TestImagePair {
  const lrW = hrW / scale;
  const lrH = hrH / scale;
  const src = `${source}=size=${hrW}x${hrH}`;
  const hr = ffmpegRgb(['-f', 'lavfi', '-i', src, '-ss', String(seekSec)], hrW, hrH);
  const lr = ffmpegRgb(['-f', 'lavfi', '-i', src, '-ss', String(seekSec), '-vf', `scale=${lrW}:${lrH}:flags=bicubic`], lrW, lrH);
  const bicubic = ffmpegRgb(['-f', 'lavfi', '-i', src, '-ss', String(seekSec), '-vf', `scale=${lrW}:${lrH}:flags=bicubic,scale=${hrW}:${hrH}:flags=bicubic`], hrW, hrH);
  return { hr, lr, bicubic, lrW, lrH };
}

/** PSNR (dB) of two 8-bit images, whole frame, as the contract defines it. */
export function psnr8(a: Uint8Array, b: Uint8Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) { const d = (a[i] - b[i]) / 255; se += d * d; }
  return 10 * Math.log10(1 / (se / a.length));
}

/** HWC 8-bit -> NCHW float [1,3,h,w] in [0,1]. */
export function hwcToNchw(img: Uint8Array, w: number, h: number): Float32Array {
  const out = new Float32Array(3 * w * h);
  for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) out[c * w * h + i] = img[i * 3 + c] / 255;
  return out;
}

/** NCHW float [1,3,h,w] -> HWC 8-bit, rounded and clamped. */
export function nchwToHwc8(t: Float32Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(3 * w * h);
  for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.max(0, Math.min(255, Math.round(t[c * w * h + i] * 255)));
  return out;
}

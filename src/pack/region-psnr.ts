// PSNR of a rectangular region of two equally sized RGB8 frames: the splitter's patch score.
import { PSNR_CAP_DB } from '../format/psnr.js';

export function regionPsnr(a: Uint8Array, b: Uint8Array, frameWidth: number, x: number, y: number, w: number, h: number): number {
  let sum = 0;
  for (let yy = y; yy < y + h; yy++) {
    const row = (yy * frameWidth + x) * 3;
    for (let k = row; k < row + w * 3; k++) {
      const d = a[k] - b[k];
      sum += d * d;
    }
  }
  if (sum === 0) return PSNR_CAP_DB;
  return Math.min(PSNR_CAP_DB, 10 * Math.log10((255 * 255 * w * h * 3) / sum));
}

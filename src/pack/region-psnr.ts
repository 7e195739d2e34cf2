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

/**
 * Summed squared errors of two equally sized RGB8 frames as a summed-area table, so any rect's PSNR is four reads
 * instead of a pass over its pixels (the splitter scores every level and the error weights over the same frame).
 * The sums are integers below 2^53, so a rect's PSNR equals regionPsnr's exactly. `into` reuses a table's memory.
 */
export class SquaredErrorTable {
  private constructor(private readonly sums: Float64Array, private readonly width: number) {}

  static of(a: Uint8Array, b: Uint8Array, width: number, height: number, into?: SquaredErrorTable): SquaredErrorTable {
    if (a.length !== width * height * 3 || b.length !== a.length) {
      throw new Error(`squared errors of ${a.length} and ${b.length} bytes; a ${width}x${height} RGB frame has ${width * height * 3}`);
    }
    const stride = width + 1;
    const sums = into && into.sums.length === stride * (height + 1) ? into.sums : new Float64Array(stride * (height + 1));
    sums.fill(0, 0, stride);
    for (let y = 0; y < height; y++) {
      const above = y * stride, here = above + stride;
      sums[here] = 0;
      let row = 0;
      for (let x = 0, k = y * width * 3; x < width; x++, k += 3) {
        const dr = a[k] - b[k], dg = a[k + 1] - b[k + 1], db = a[k + 2] - b[k + 2];
        row += dr * dr + dg * dg + db * db;
        sums[here + x + 1] = sums[above + x + 1] + row;
      }
    }
    return new SquaredErrorTable(sums, width);
  }

  /** regionPsnr of the rect, from the table. */
  psnr(x: number, y: number, w: number, h: number): number {
    const s = this.sums, stride = this.width + 1;
    const top = y * stride, bottom = (y + h) * stride;
    const sum = s[bottom + x + w] - s[bottom + x] - s[top + x + w] + s[top + x];
    if (sum === 0) return PSNR_CAP_DB;
    return Math.min(PSNR_CAP_DB, 10 * Math.log10((255 * 255 * w * h * 3) / sum));
  }
}

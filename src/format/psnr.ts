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

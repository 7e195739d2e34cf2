// SSIM (Wang, Bovik, Sheikh, Simoncelli 2004) as dydca reports it beside PSNR: on luma Y = BT.601
// 0.299 R + 0.587 G + 0.114 B of 8-bit RGB (full range, unrounded), 11x11 Gaussian window with sigma 1.5
// (normalised), K1 = 0.01, K2 = 0.03, L = 255, mean of the SSIM map over the windows that lie wholly inside
// the frame (MATLAB ssim_index 'valid'; scikit-image with gaussian_weights=True, use_sample_covariance=False).
// No downsampling (the 2009 ssim.m downsamples frames over 256 px; ssim_index.m and we do not).

export const SSIM_WINDOW = 11;
export const SSIM_SIGMA = 1.5;
export const SSIM_K1 = 0.01;
export const SSIM_K2 = 0.03;

/** The normalised 1-D Gaussian; the 2-D window is its outer product (separable). */
export function ssimGaussian(size = SSIM_WINDOW, sigma = SSIM_SIGMA): Float64Array {
  const r = (size - 1) / 2;
  const g = Float64Array.from({ length: size }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = g.reduce((a, b) => a + b, 0);
  return g.map((v) => v / sum);
}

/** BT.601 luma of interleaved RGB8 as floats in [0, 255]. */
export function lumaBt601(rgb: Uint8Array, width: number, height: number): Float64Array {
  if (rgb.length !== width * height * 3) throw new Error(`luma of a ${width}x${height} frame needs ${width * height * 3} RGB bytes; got ${rgb.length}`);
  const y = new Float64Array(width * height);
  for (let i = 0; i < y.length; i++) y[i] = 0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2];
  return y;
}

/** Mean SSIM of two single-channel images (values in [0, 255]) of `width` x `height`. */
export function ssimPlane(a: Float64Array, b: Float64Array, width: number, height: number): number {
  const k = SSIM_WINDOW;
  if (width < k || height < k) throw new Error(`SSIM needs frames of at least ${k}x${k} px (its window); got ${width}x${height}`);
  if (a.length !== width * height || b.length !== width * height) throw new Error(`SSIM of planes of ${a.length} and ${b.length} values; expected ${width}x${height}`);
  const g = ssimGaussian();
  const ow = width - k + 1, oh = height - k + 1;
  // valid-mode separable filtering of one plane: rows first, then columns
  const filter = (src: Float64Array): Float64Array => {
    const rows = new Float64Array(height * ow);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < ow; x++) {
        let s = 0;
        for (let i = 0; i < k; i++) s += g[i] * src[y * width + x + i];
        rows[y * ow + x] = s;
      }
    }
    const out = new Float64Array(oh * ow);
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        let s = 0;
        for (let i = 0; i < k; i++) s += g[i] * rows[(y + i) * ow + x];
        out[y * ow + x] = s;
      }
    }
    return out;
  };
  const prod = (p: Float64Array, q: Float64Array): Float64Array => p.map((v, i) => v * q[i]);
  const muA = filter(a), muB = filter(b);
  const aa = filter(prod(a, a)), bb = filter(prod(b, b)), ab = filter(prod(a, b));
  const c1 = (SSIM_K1 * 255) ** 2, c2 = (SSIM_K2 * 255) ** 2;
  let sum = 0;
  for (let i = 0; i < muA.length; i++) {
    const ma = muA[i], mb = muB[i];
    const va = aa[i] - ma * ma, vb = bb[i] - mb * mb, cov = ab[i] - ma * mb;
    sum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
  }
  return sum / muA.length;
}

/** SSIM on BT.601 luma of two interleaved RGB8 frames of `width` x `height`. */
export function ssimRgb8(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  return ssimPlane(lumaBt601(a, width, height), lumaBt601(b, width, height), width, height);
}

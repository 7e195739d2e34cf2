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
  return SsimReference.ofPlane(b, width, height).ssimPlane(a);
}

/**
 * One frame's side of SSIM, filtered once (its local means and mean squares), so comparing several frames against
 * the same reference (SR and bicubic against HR) filters the reference once. The five Gaussian-filtered quantities
 * (means, mean squares, mean product) are summed in fused passes: the earlier one-array-at-a-time version spent
 * about 40% of a pack's metrics stage here.
 */
export class SsimReference {
  private readonly ow: number;
  private readonly oh: number;
  private readonly mu: Float64Array;
  private readonly sq: Float64Array;

  private constructor(private readonly plane: Float64Array, readonly width: number, readonly height: number) {
    const k = SSIM_WINDOW;
    if (width < k || height < k) throw new Error(`SSIM needs frames of at least ${k}x${k} px (its window); got ${width}x${height}`);
    if (plane.length !== width * height) throw new Error(`SSIM of a plane of ${plane.length} values; expected ${width}x${height}`);
    this.ow = width - k + 1;
    this.oh = height - k + 1;
    [this.mu, this.sq] = filterValid(plane, null, width, height);
  }

  /** The reference as luma values in [0, 255]. */
  static ofPlane(plane: Float64Array, width: number, height: number): SsimReference {
    return new SsimReference(plane, width, height);
  }

  /** The reference as interleaved RGB8 (SSIM on its BT.601 luma). */
  static ofRgb8(rgb: Uint8Array, width: number, height: number): SsimReference {
    return new SsimReference(lumaBt601(rgb, width, height), width, height);
  }

  /** Mean SSIM of interleaved RGB8 `rgb` (same size) against the reference, on BT.601 luma. */
  ssimRgb8(rgb: Uint8Array): number {
    return this.ssimPlane(lumaBt601(rgb, this.width, this.height));
  }

  /** Mean SSIM of luma plane `a` (same size) against the reference. */
  ssimPlane(a: Float64Array): number {
    if (a.length !== this.plane.length) throw new Error(`SSIM of planes of ${a.length} and ${this.plane.length} values; expected ${this.width}x${this.height}`);
    const [muA, aa, ab] = filterValid(a, this.plane, this.width, this.height);
    const muB = this.mu, bb = this.sq;
    const c1 = (SSIM_K1 * 255) ** 2, c2 = (SSIM_K2 * 255) ** 2;
    let sum = 0;
    for (let i = 0; i < muA.length; i++) {
      const ma = muA[i], mb = muB[i];
      const va = aa[i] - ma * ma, vb = bb[i] - mb * mb, cov = ab[i] - ma * mb;
      sum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
    }
    return sum / (this.ow * this.oh);
  }
}

const GAUSSIAN = ssimGaussian();

/**
 * Valid-mode separable Gaussian filtering (rows, then columns) of `a`, `a^2` and, with `b`, `a*b`, in one pass per
 * direction: [mean(a), mean(a^2)] or [mean(a), mean(a^2), mean(a*b)].
 */
function filterValid(a: Float64Array, b: Float64Array | null, width: number, height: number): Float64Array[] {
  const g = GAUSSIAN, k = g.length;
  const ow = width - k + 1, oh = height - k + 1;
  const n = b ? 3 : 2;
  const rows = Array.from({ length: n }, () => new Float64Array(height * ow));
  const [r0, r1, r2] = rows;
  for (let y = 0; y < height; y++) {
    const row = y * width, orow = y * ow;
    if (b) {
      for (let x = 0; x < ow; x++) {
        let s0 = 0, s1 = 0, s2 = 0;
        for (let i = 0, o = row + x; i < k; i++, o++) { const va = a[o], gi = g[i]; s0 += gi * va; s1 += gi * (va * va); s2 += gi * (va * b[o]); }
        r0[orow + x] = s0; r1[orow + x] = s1; r2[orow + x] = s2;
      }
    } else {
      for (let x = 0; x < ow; x++) {
        let s0 = 0, s1 = 0;
        for (let i = 0, o = row + x; i < k; i++, o++) { const va = a[o], gi = g[i]; s0 += gi * va; s1 += gi * (va * va); }
        r0[orow + x] = s0; r1[orow + x] = s1;
      }
    }
  }
  // columns: each output row accumulates k input rows in order (the same sums as a per-pixel loop), streaming along rows
  return rows.map((r) => {
    const out = new Float64Array(oh * ow);
    for (let y = 0; y < oh; y++) {
      const o = y * ow;
      for (let i = 0; i < k; i++) {
        const gi = g[i], src = (y + i) * ow;
        for (let x = 0; x < ow; x++) out[o + x] += gi * r[src + x];
      }
    }
    return out;
  });
}

/** SSIM on BT.601 luma of two interleaved RGB8 frames of `width` x `height`. */
export function ssimRgb8(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  const la = lumaBt601(a, width, height);
  return SsimReference.ofRgb8(b, width, height).ssimPlane(la);
}

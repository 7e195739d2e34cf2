// MATLAB imresize-compatible bicubic resampling of 8-bit RGB frames (the convention of the SR
// literature): a = -0.5, kernel widened by 1/scale when downscaling (antialiasing), symmetric borders.

/** An 8-bit RGB image, pixels interleaved (HWC). */
export interface RgbImage { width: number; height: number; data: Uint8Array }

/** Keys' cubic with a = -0.5 (MATLAB's `cubic`). */
export function cubicKernel(x: number): number {
  const ax = Math.abs(x);
  const ax2 = ax * ax;
  const ax3 = ax2 * ax;
  if (ax <= 1) return 1.5 * ax3 - 2.5 * ax2 + 1;
  if (ax <= 2) return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
  return 0;
}

/** Taps of one output sample along one dimension: source indices (0-based, in range) and weights. */
export interface ResampleTaps { taps: number; indices: Int32Array; weights: Float64Array }

/**
 * Weight table for resizing a dimension of length `inLength` to `outLength` (MATLAB `contributions`).
 * Output sample i (1-based) maps to u = i/scale + 0.5*(1 - 1/scale) in input coordinates.
 */
export function resampleTaps(inLength: number, outLength: number): ResampleTaps {
  const scale = outLength / inLength;
  const antialias = scale < 1;
  const kernelWidth = antialias ? 4 / scale : 4;
  const taps = Math.ceil(kernelWidth) + 2;
  const indices = new Int32Array(outLength * taps);
  const weights = new Float64Array(outLength * taps);
  for (let i = 0; i < outLength; i++) {
    const u = (i + 1) / scale + 0.5 * (1 - 1 / scale);
    const left = Math.floor(u - kernelWidth / 2);
    let sum = 0;
    for (let t = 0; t < taps; t++) {
      const j = left + t; // 1-based source index, possibly out of range
      const w = antialias ? scale * cubicKernel(scale * (u - j)) : cubicKernel(u - j);
      weights[i * taps + t] = w;
      indices[i * taps + t] = symmetricIndex(j - 1, inLength);
      sum += w;
    }
    for (let t = 0; t < taps; t++) weights[i * taps + t] /= sum;
  }
  return { taps, indices, weights };
}

/** MATLAB's symmetric padding: ... 1 0 | 0 1 2 ... n-1 | n-1 n-2 ... (edge sample repeated). */
export function symmetricIndex(j: number, n: number): number {
  const period = 2 * n;
  const m = ((j % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

/**
 * One dimension's taps with the zero-weight ones left out, `n` per output sample, a multiple of 4 (padded with
 * weight 0, which adds nothing), source offsets pre-multiplied by `stride`: the resize's inner loops read them
 * straight, four taps at a time.
 */
interface CompactTaps { n: number; offsets: Int32Array; weights: Float64Array }

function compactTaps(inLength: number, outLength: number, stride: number): CompactTaps {
  const full = resampleTaps(inLength, outLength);
  let n = 1;
  for (let i = 0; i < outLength; i++) {
    let count = 0;
    for (let t = 0; t < full.taps; t++) if (full.weights[i * full.taps + t] !== 0) count++;
    n = Math.max(n, count);
  }
  n = Math.ceil(n / 4) * 4;
  const offsets = new Int32Array(outLength * n);
  const weights = new Float64Array(outLength * n);
  for (let i = 0; i < outLength; i++) {
    let k = 0;
    for (let t = 0; t < full.taps; t++) {
      const w = full.weights[i * full.taps + t];
      if (w === 0) continue; // taps keep their order: the sums round as before
      offsets[i * n + k] = full.indices[i * full.taps + t] * stride;
      weights[i * n + k] = w;
      k++;
    }
    for (; k < n; k++) offsets[i * n + k] = offsets[i * n];
  }
  return { n, offsets, weights };
}

/**
 * Resize an RGB image to `outWidth x outHeight`. Rows (height) first, then columns, as MATLAB does
 * for equal scales; intermediate values stay in float and are rounded to 8 bits once at the end
 * (MATLAB rounds uint8 after each pass; the difference is at most 1 level on a few pixels).
 * One output row at a time: the vertical pass sums into a Float32 row (as a Float32 frame before: the same
 * roundings), the horizontal pass reads it while it is in cache.
 */
export function resizeBicubic(src: RgbImage, outWidth: number, outHeight: number, into?: Uint8Array): RgbImage {
  const { width: w, height: h, data } = src;
  const rowLength = w * 3;
  const vt = compactTaps(h, outHeight, rowLength);
  const ht = compactTaps(w, outWidth, 3);
  const out = into ?? new Uint8Array(outHeight * outWidth * 3);
  if (out.length !== outHeight * outWidth * 3) throw new Error(`resize into ${out.length} bytes; ${outWidth}x${outHeight} RGB needs ${outHeight * outWidth * 3}`);
  const row = new Float32Array(rowLength);
  const vn = vt.n, vOffsets = vt.offsets, vWeights = vt.weights, hn = ht.n, hOffsets = ht.offsets, hWeights = ht.weights;
  const f32 = Math.fround;
  for (let y = 0; y < outHeight; y++) {
    // four taps per pass over the row, each sum rounded to float32 as a Float32 store rounds it
    for (let t = y * vn; t < (y + 1) * vn; t += 4) {
      const w0 = vWeights[t], w1 = vWeights[t + 1], w2 = vWeights[t + 2], w3 = vWeights[t + 3];
      const s0 = vOffsets[t], s1 = vOffsets[t + 1], s2 = vOffsets[t + 2], s3 = vOffsets[t + 3];
      if (t === y * vn) {
        for (let k = 0; k < rowLength; k++) row[k] = f32(f32(f32(f32(w0 * data[s0 + k]) + w1 * data[s1 + k]) + w2 * data[s2 + k]) + w3 * data[s3 + k]);
      } else {
        for (let k = 0; k < rowLength; k++) row[k] = f32(f32(f32(f32(row[k] + w0 * data[s0 + k]) + w1 * data[s1 + k]) + w2 * data[s2 + k]) + w3 * data[s3 + k]);
      }
    }
    let o = y * outWidth * 3;
    for (let x = 0; x < outWidth; x++) {
      let r = 0, g = 0, b = 0;
      for (let t = x * hn; t < (x + 1) * hn; t += 4) {
        const w0 = hWeights[t], w1 = hWeights[t + 1], w2 = hWeights[t + 2], w3 = hWeights[t + 3];
        const p0 = hOffsets[t], p1 = hOffsets[t + 1], p2 = hOffsets[t + 2], p3 = hOffsets[t + 3];
        r = r + w0 * row[p0] + w1 * row[p1] + w2 * row[p2] + w3 * row[p3];
        g = g + w0 * row[p0 + 1] + w1 * row[p1 + 1] + w2 * row[p2 + 1] + w3 * row[p3 + 1];
        b = b + w0 * row[p0 + 2] + w1 * row[p1 + 2] + w2 * row[p2 + 2] + w3 * row[p3 + 2];
      }
      out[o] = clampByte(r); out[o + 1] = clampByte(g); out[o + 2] = clampByte(b);
      o += 3;
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}

/** Math.round clamped to 0..255, without Math.round (a third of the upscale's time): for v in [0.5, 255) the sum
 *  v + 0.5 is exact, or rounds without crossing an integer, and `| 0` truncates it; below 0.5 it rounds to 0. */
function clampByte(v: number): number {
  return v < 0.5 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
}

/** HR -> LR for an integer scale (MATLAB `imresize(hr, 1/s, 'bicubic')`). */
export function downscaleBicubic(hr: RgbImage, scale: number): RgbImage {
  if (hr.width % scale !== 0 || hr.height % scale !== 0) {
    throw new Error(`HR ${hr.width}x${hr.height} is not a multiple of scale ${scale}; crop it first`);
  }
  return resizeBicubic(hr, hr.width / scale, hr.height / scale);
}

/** LR -> HR bicubic baseline (MATLAB `imresize(lr, s, 'bicubic')`); `into` reuses an earlier frame's output. */
export function upscaleBicubic(lr: RgbImage, scale: number, into?: Uint8Array): RgbImage {
  return resizeBicubic(lr, lr.width * scale, lr.height * scale, into);
}

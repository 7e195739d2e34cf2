// Layout of conv weights for generated kernels: output channels in blocks of 4 (one vec4 per block per
// input channel and tap), zero-padded to a multiple of 4, so a kernel loads 4 output channels at once.
// Biases (1-D) are padded to a multiple of 4 the same way.

export const outputBlocks = (cout: number): number => Math.ceil(cout / 4);

/** OIHW -> [O/4][I][H][W][4]; 1-D -> padded to a multiple of 4; element count a multiple of 4. */
export function blockedWeights(dims: number[], data: Float32Array): Float32Array {
  if (dims.length !== 4) {
    const out = new Float32Array(Math.max(4, Math.ceil(data.length / 4) * 4));
    out.set(data);
    return out;
  }
  const [O, I, KH, KW] = dims;
  const inner = I * KH * KW;
  const out = new Float32Array(outputBlocks(O) * inner * 4);
  for (let o = 0; o < O; o++) for (let r = 0; r < inner; r++) out[(Math.floor(o / 4) * inner + r) * 4 + (o % 4)] = data[o * inner + r];
  return out;
}

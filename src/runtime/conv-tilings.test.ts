// Every conv tiling a tuner may pick (codegen/conv-kernel.ts convTilingCandidates) in f32, and f16 packed in
// u32, against onnxruntime-node: one Conv -> Relu -> Add(residual) layer on random inputs, an output size
// that no tile divides, run through the same kernel helper and arena layout the compiled engine uses.
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { convKernel, convTilingCandidates, tilingKey, type ConvTiling } from '../compiler/codegen/conv-kernel.js';
import { outputBlocks, blockedWeights } from '../compiler/codegen/weight-layout.js';
import { paramsWords, type Precision } from '../compiler/codegen/wgsl-common.js';
import { GraphBuilder, tensorF32 } from '../onnx/graph-builder.js';
import { writeModel } from '../onnx/model-io.js';
import { SeededRandom } from '../model/seeded-random.js';
import { closeNodeGpuDevice, nodeGpuDevice, readBuffer } from './gpu-test-device.js';
import { fromHalfBits, toHalfArray } from './half-float.js';
import { KernelProgram } from './kernel-program.js';

afterAll(closeNodeGpuDevice);

const CIN = 8, COUT = 32, H = 11, W = 13, BATCH = 2;
const rng = new SeededRandom(7);
const rand = (n: number, a: number) => Float32Array.from({ length: n }, () => rng.uniform(-a, a));
const weights = rand(COUT * CIN * 9, Math.sqrt(3 / (CIN * 9)));
const bias = rand(COUT, 0.1);
const x = rand(BATCH * CIN * H * W, 1);
const res = rand(BATCH * COUT * H * W, 1);

async function reference(): Promise<Float32Array> {
  const b = new GraphBuilder('conv');
  b.input('x', 'float32', [BATCH, CIN, H, W]);
  b.input('r', 'float32', [BATCH, COUT, H, W]);
  const w = b.initializer('w', tensorF32([COUT, CIN, 3, 3], weights));
  const bb = b.initializer('b', tensorF32([COUT], bias));
  const [c] = b.node('Conv', ['x', w, bb], { pads: { type: 'ints', value: [1, 1, 1, 1] }, kernel_shape: { type: 'ints', value: [3, 3] } });
  const [relu] = b.node('Relu', [c]);
  b.node('Add', [relu, 'r'], {}, { outputs: ['y'] });
  b.output('y', 'float32', [BATCH, COUT, H, W]);
  const session = await ort.InferenceSession.create(writeModel(b.build()));
  const out = await session.run({ x: new ort.Tensor('float32', x, [BATCH, CIN, H, W]), r: new ort.Tensor('float32', res, [BATCH, COUT, H, W]) });
  await session.release();
  return out.y.data as Float32Array;
}

/** NCHW -> channel-blocked [N][C/4][H][W][4] (the arena layout). */
function blocked(nchw: Float32Array, c: number): Float32Array {
  const cb = outputBlocks(c);
  const out = new Float32Array(BATCH * cb * 4 * H * W);
  for (let n = 0; n < BATCH; n++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < H * W; i++) {
    out[(((n * cb + (ch >> 2)) * H * W) + i) * 4 + (ch & 3)] = nchw[(n * c + ch) * H * W + i];
  }
  return out;
}

async function runKernel(tiling: ConvTiling, precision: Exclude<Precision, 'f16'>): Promise<Float32Array> {
  const device = await nodeGpuDevice();
  const kernel = convKernel({ cin: CIN, cout: COUT, k: 3, pad: 1, inH: H, inW: W, relu: true, residual: true, shift: null, input: { kind: 'arena' }, precision }, tiling);
  const program = await KernelProgram.create(device, kernel);
  const xin = blocked(x, CIN), rin = blocked(res, COUT);
  const outUnits = rin.length / 4;
  const arenaF32 = new Float32Array(xin.length + rin.length + rin.length);
  arenaF32.set(xin); arenaF32.set(rin, xin.length);
  arenaF32.fill(Number.NaN, xin.length + rin.length); // every output element must be written
  const wb = blockedWeights([COUT, CIN, 3, 3], weights), bb = blockedWeights([COUT], bias);
  const wAll = new Float32Array(wb.length + bb.length); wAll.set(wb); wAll.set(bb, wb.length);
  const enc = (a: Float32Array) => (precision === 'f32' ? a : toHalfArray(a));
  const upload = (data: Float32Array | Uint16Array, usage: number) => {
    const buf = device.createBuffer({ size: data.byteLength, usage: usage | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
    device.queue.writeBuffer(buf, 0, data as Float32Array<ArrayBuffer>);
    return buf;
  };
  const arena = upload(enc(arenaF32), GPUBufferUsage.STORAGE);
  const wbuf = upload(enc(wAll), GPUBufferUsage.STORAGE);
  const params = upload(new Float32Array(paramsWords({
    inOff: 0, resOff: xin.length / 4, outOff: (xin.length + rin.length) / 4, wOff: 0, bOff: wb.length, wOffB: 0, bOffB: 0, count: BATCH, inH: H, inW: W, outH: H, outW: W,
  }).buffer), GPUBufferUsage.UNIFORM);
  const encoder = device.createCommandEncoder();
  program.encode(encoder, { arena, weights: wbuf, params }, kernel.workgroups(BATCH));
  device.queue.submit([encoder.finish()]);
  const bytes = precision === 'f32' ? 4 : 2;
  const raw = await readBuffer(device, arena, arenaF32.length * bytes);
  arena.destroy(); wbuf.destroy(); params.destroy();
  const out = precision === 'f32' ? new Float32Array(raw) : Float32Array.from(new Uint16Array(raw), fromHalfBits);
  // back to NCHW from the output region
  const base = xin.length + rin.length, cb = outputBlocks(COUT);
  const nchw = new Float32Array(BATCH * COUT * H * W);
  for (let n = 0; n < BATCH; n++) for (let ch = 0; ch < COUT; ch++) for (let i = 0; i < H * W; i++) {
    nchw[(n * COUT + ch) * H * W + i] = out[base + (((n * cb + (ch >> 2)) * H * W) + i) * 4 + (ch & 3)];
  }
  expect(outUnits * 4).toBe(nchw.length);
  return nchw;
}

const candidates = convTilingCandidates(COUT, 3);
let want: Promise<Float32Array> | null = null;

describe(`conv ${CIN}->${COUT} 3x3 + relu + residual on ${H}x${W} x${BATCH}, every tiling vs onnxruntime-node`, () => {
  it('has the four candidate widths', () => {
    expect(candidates.map((t) => t.tc)).toEqual([1, 2, 4, 8]);
  });
  // packed f16 differs from f32 only in the load/store accessors, so it runs on the two extreme tilings
  // (4 blocks x 32x8 pixels, 1 block x 4x8 pixels per invocation group): each compile costs seconds here
  it.each([
    ...candidates.map((t) => ({ t, precision: 'f32' as const, tol: 1e-4 })),
    ...[candidates[0], candidates[candidates.length - 1]].map((t) => ({ t, precision: 'f16-packed' as const, tol: 2e-2 })),
  ])(
    '$precision tiling $t.tc x $t.g x ($t.tx x $t.ty) x $t.px within $tol', async ({ t, precision, tol }) => {
      want ??= reference();
      const got = await runKernel(t, precision);
      const ref = await want;
      let err = 0;
      for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(got[i] - ref[i]));
      expect({ tiling: tilingKey(t), err: err < tol }).toEqual({ tiling: tilingKey(t), err: true });
    });
});

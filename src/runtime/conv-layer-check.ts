// Test support for generated conv kernels: one Conv 3x3 [-> Relu] [-> Add(residual)] layer on random inputs
// (never zeros), run by onnxruntime-node and by a generated kernel through the same kernel helper and
// channel-blocked arena layout the compiled engine uses. Shared by conv-tilings.test.ts and winograd-conv.test.ts.
import * as ort from 'onnxruntime-node';
import type { GeneratedKernel } from '../compiler/codegen/kernel-contract.js';
import { blockedWeights, outputBlocks } from '../compiler/codegen/weight-layout.js';
import { paramsWords, type Precision } from '../compiler/codegen/wgsl-common.js';
import { SeededRandom } from '../model/seeded-random.js';
import { GraphBuilder, tensorF32 } from '../onnx/graph-builder.js';
import { writeModel } from '../onnx/model-io.js';
import { readBuffer } from './gpu-test-device.js';
import { fromHalfBits, toHalfArray } from './half-float.js';
import { KernelProgram } from './kernel-program.js';

export interface ConvLayerCase { cin: number; cout: number; h: number; w: number; batch: number; relu: boolean; residual: boolean; seed: number }
export interface ConvLayerData { weights: Float32Array; bias: Float32Array; x: Float32Array; res: Float32Array }

/** Weights at He-uniform scale, bias in +-0.1, activations and residual in +-1 (realistic magnitudes). */
export function convLayerData(c: ConvLayerCase): ConvLayerData {
  const rng = new SeededRandom(c.seed);
  const rand = (n: number, a: number) => Float32Array.from({ length: n }, () => rng.uniform(-a, a));
  return {
    weights: rand(c.cout * c.cin * 9, Math.sqrt(3 / (c.cin * 9))), bias: rand(c.cout, 0.1),
    x: rand(c.batch * c.cin * c.h * c.w, 1), res: rand(c.batch * c.cout * c.h * c.w, 1),
  };
}

/** onnxruntime-node's NCHW output of the layer. */
export async function ortConvLayer(c: ConvLayerCase, d: ConvLayerData): Promise<Float32Array> {
  const b = new GraphBuilder('conv');
  b.input('x', 'float32', [c.batch, c.cin, c.h, c.w]);
  if (c.residual) b.input('r', 'float32', [c.batch, c.cout, c.h, c.w]);
  const w = b.initializer('w', tensorF32([c.cout, c.cin, 3, 3], d.weights));
  const bb = b.initializer('b', tensorF32([c.cout], d.bias));
  let [y] = b.node('Conv', ['x', w, bb], { pads: { type: 'ints', value: [1, 1, 1, 1] }, kernel_shape: { type: 'ints', value: [3, 3] } });
  if (c.relu) [y] = b.node('Relu', [y]);
  b.node('Identity', [c.residual ? b.node('Add', [y, 'r'])[0] : y], {}, { outputs: ['y'] });
  b.output('y', 'float32', [c.batch, c.cout, c.h, c.w]);
  const session = await ort.InferenceSession.create(writeModel(b.build()));
  const feeds: Record<string, ort.Tensor> = { x: new ort.Tensor('float32', d.x, [c.batch, c.cin, c.h, c.w]) };
  if (c.residual) feeds.r = new ort.Tensor('float32', d.res, [c.batch, c.cout, c.h, c.w]);
  const out = await session.run(feeds);
  await session.release();
  return out.y.data as Float32Array;
}

/** NCHW -> channel-blocked [N][C/4][H][W][4] (the arena layout). */
function toBlocked(nchw: Float32Array, n: number, c: number, hw: number): Float32Array {
  const cb = outputBlocks(c);
  const out = new Float32Array(n * cb * 4 * hw);
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < hw; i++) out[(((b * cb + (ch >> 2)) * hw) + i) * 4 + (ch & 3)] = nchw[(b * c + ch) * hw + i];
  return out;
}

/**
 * Runs `kernel` (generated for this layer) on `device` and returns its NCHW output. `packedWeights` is the conv
 * weight in the layout the kernel reads (blockedWeights, or winogradWeights); the output region starts as NaN,
 * so an element the kernel never writes fails any comparison.
 */
export async function runConvLayer(device: GPUDevice, c: ConvLayerCase, d: ConvLayerData, kernel: GeneratedKernel, packedWeights: Float32Array, precision: Exclude<Precision, 'f16'>): Promise<Float32Array> {
  const program = await KernelProgram.create(device, kernel);
  const hw = c.h * c.w;
  const xin = toBlocked(d.x, c.batch, c.cin, hw), rin = toBlocked(d.res, c.batch, c.cout, hw);
  const arenaF32 = new Float32Array(xin.length + 2 * rin.length);
  arenaF32.set(xin); arenaF32.set(rin, xin.length);
  arenaF32.fill(Number.NaN, xin.length + rin.length);
  const bb = blockedWeights([c.cout], d.bias);
  const wAll = new Float32Array(packedWeights.length + bb.length); wAll.set(packedWeights); wAll.set(bb, packedWeights.length);
  const enc = (a: Float32Array) => (precision === 'f32' ? a : toHalfArray(a));
  const upload = (data: Float32Array | Uint16Array | Uint32Array, usage: number) => {
    const buf = device.createBuffer({ size: data.byteLength, usage: usage | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
    device.queue.writeBuffer(buf, 0, data as Float32Array<ArrayBuffer>);
    return buf;
  };
  const arena = upload(enc(arenaF32), GPUBufferUsage.STORAGE);
  const wbuf = upload(enc(wAll), GPUBufferUsage.STORAGE);
  const params = upload(paramsWords({
    inOff: 0, resOff: xin.length / 4, outOff: (xin.length + rin.length) / 4, wOff: 0, bOff: packedWeights.length, wOffB: 0, bOffB: 0, count: c.batch, inH: c.h, inW: c.w, outH: c.h, outW: c.w,
  }), GPUBufferUsage.UNIFORM);
  const encoder = device.createCommandEncoder();
  program.encode(encoder, { arena, weights: wbuf, params }, kernel.workgroups(c.batch));
  device.queue.submit([encoder.finish()]);
  const raw = await readBuffer(device, arena, arenaF32.length * (precision === 'f32' ? 4 : 2));
  arena.destroy(); wbuf.destroy(); params.destroy();
  const out = precision === 'f32' ? new Float32Array(raw) : Float32Array.from(new Uint16Array(raw), fromHalfBits);
  const base = xin.length + rin.length, cb = outputBlocks(c.cout);
  const nchw = new Float32Array(c.batch * c.cout * hw);
  for (let b = 0; b < c.batch; b++) for (let ch = 0; ch < c.cout; ch++) for (let i = 0; i < hw; i++) nchw[(b * c.cout + ch) * hw + i] = out[base + (((b * cb + (ch >> 2)) * hw) + i) * 4 + (ch & 3)];
  return nchw;
}

/** Largest |a - b| (NaN counts as infinite). */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let err = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    err = Number.isNaN(e) ? Infinity : Math.max(err, e);
  }
  return err;
}

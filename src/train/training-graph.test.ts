import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { writeModel } from '../onnx/model-io.js';
import { SeededRandom } from '../model/seeded-random.js';
import type { PathSpec, Weights } from '../model/spec.js';
import { pathConvs } from '../model/path-params.js';
import { initTfBackend, tf } from './tf-backend.js';
import { pathGradients } from './path-gradients.js';
import { hwioToOihw, pathTensorsFromWeights } from './wdsr-tf.js';
import { ADAM_BETA1, ADAM_BETA2, AdamState } from './adam.js';
import { Tape } from './autodiff.js';
import { LEARNING_RATE_GROUPS, TG, appendAdam, buildPathTrainingGraph } from './training-graph.js';
import type { CropBatch } from './crop-sampler.js';

beforeAll(async () => { await initTfBackend(); });

const uniform = (n: number, seed: number, lo: number, hi: number): Float32Array => {
  const r = new SeededRandom(seed);
  return Float32Array.from({ length: n }, () => r.uniform(lo, hi));
};

/** Every parameter random (the tail too, so gradients reach the body), OIHW. */
function randomWeights(p: PathSpec, scale: number, seed: number): Weights {
  const w: Weights = new Map();
  pathConvs(p, scale).forEach((c, i) => {
    const fanIn = c.dims[1] * c.dims[2] * c.dims[3];
    w.set(`${c.name}.w`, { dims: c.dims, data: uniform(c.dims.reduce((a, b) => a * b, 1), seed + 2 * i, -1.5 / Math.sqrt(fanIn), 1.5 / Math.sqrt(fanIn)) });
    w.set(`${c.name}.b`, { dims: [c.dims[0]], data: uniform(c.dims[0], seed + 2 * i + 1, -0.05, 0.05) });
  });
  return w;
}

/** max |a - b| relative to max |b|: float32 sums in another order differ by rounding, relative to the tensor's scale. */
function relErr(a: Float32Array, b: Float32Array): number {
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); m = Math.max(m, Math.abs(b[i])); }
  return d / Math.max(m, 1e-30);
}

describe('path training graph', () => {
  it.each([
    { name: 'x2, 2 blocks, halo 1, L1', scale: 2, blocks: 2, halo: 1, n: 2, ch: 6, cw: 5, loss: 'l1' as const },
    { name: 'x3, 3 blocks, no halo, L1', scale: 3, blocks: 3, halo: 0, n: 3, ch: 4, cw: 4, loss: 'l1' as const },
    { name: 'x2, 2 blocks, halo 1, L2', scale: 2, blocks: 2, halo: 1, n: 2, ch: 6, cw: 5, loss: 'l2' as const },
    { name: 'x4, 3 blocks, halo 2, L2', scale: 4, blocks: 3, halo: 2, n: 2, ch: 3, cw: 4, loss: 'l2' as const },
  ])('loss and every parameter gradient match the tfjs trainer to 1e-4 ($name)', async ({ scale, blocks, halo, n, ch, cw, loss }) => {
    const p: PathSpec = { id: 1, patch: [8, 8], blocks, channels: 4, expansion: 2 };
    const weights = randomWeights(p, scale, 11);
    const batch: CropBatch = {
      pathId: 1, count: n, cropH: ch, cropW: cw, halo,
      input: uniform(n * (ch + 2 * halo) * (cw + 2 * halo) * 3, 5, 0, 1),
      target: uniform(n * ch * scale * cw * scale * 3, 6, 0, 1),
    };
    const params = pathTensorsFromWeights(p, scale, weights);
    const ref = await pathGradients(p, scale, params, batch, loss);

    const g = buildPathTrainingGraph(p, scale, { batch: n, cropH: ch, cropW: cw, halo }, { gradients: true, loss });
    const sess = await ort.InferenceSession.create(writeModel(g.model));
    const scalar = (v: number): ort.Tensor => new ort.Tensor('float32', Float32Array.of(v), []);
    const feeds: Record<string, ort.Tensor> = {
      [TG.input]: new ort.Tensor('float32', batch.input, [n, ch + 2 * halo, cw + 2 * halo, 3]),
      [TG.target]: new ort.Tensor('float32', batch.target, [n, ch * scale, cw * scale, 3]),
      [TG.c1]: scalar(1 - ADAM_BETA1), [TG.c2]: scalar(1 - ADAM_BETA2),
    };
    for (const grp of LEARNING_RATE_GROUPS) feeds[TG.lr(grp)] = scalar(1e-3);
    for (const [k, dims] of g.params) {
      feeds[TG.state('w', k)] = new ort.Tensor('float32', weights.get(k)!.data, dims);
      for (const role of ['m', 'v'] as const) feeds[TG.state(role, k)] = new ort.Tensor('float32', new Float32Array(weights.get(k)!.data.length), dims);
    }
    const out = await sess.run(feeds);
    expect((out[TG.loss].data as Float32Array)[0]).toBeCloseTo(ref.loss, 6);
    expect((out[TG.mse].data as Float32Array)[0]).toBeCloseTo(ref.mse, 6);
    expect([...g.params.keys()].sort()).toEqual([...ref.grads.keys()].sort());
    for (const [k, t] of ref.grads) {
      const want = k.endsWith('.w') ? (await hwioToOihw(t)).data : (await t.data()) as Float32Array;
      const got = out[TG.grad(k)].data as Float32Array;
      expect(Math.max(...want.map(Math.abs)), k).toBeGreaterThan(0);
      expect(relErr(got, want), k).toBeLessThan(1e-4);
    }
    for (const t of [...params.values(), ...ref.grads.values()]) t.dispose();
    await sess.release();
  });

  it('Adam step matches AdamState.apply (tfjs) over 3 steps with bias correction and a rate factor', async () => {
    const dims = [3, 4];
    const t = new Tape('adam');
    const names = { p: t.input('p', dims), m: t.input('m', dims), v: t.input('v', dims), g: t.input('g', dims) };
    const lr = t.input('lr', []), c1 = t.input('c1', []), c2 = t.input('c2', []);
    const next = appendAdam(t, dims, names, lr, c1, c2);
    t.output(t.rename(next.p, 'p_out'));
    t.output(t.rename(next.m, 'm_out'));
    t.output(t.rename(next.v, 'v_out'));
    const sess = await ort.InferenceSession.create(writeModel(t.build()));

    let p: Float32Array = uniform(12, 1, -1, 1), m: Float32Array = new Float32Array(12), v: Float32Array = new Float32Array(12);
    const ref = new Map([['x.skip.w', tf.variable(tf.tensor(p, dims))]]);
    const adam = new AdamState(ref);
    const base = 2e-3, factor = 0.1;
    for (let step = 1; step <= 3; step++) {
      const g = uniform(12, 10 + step, -0.5, 0.5);
      const f = (x: Float32Array | number[]): ort.Tensor => new ort.Tensor('float32', Float32Array.from(x), Array.isArray(x) ? [] : dims);
      const out = await sess.run({ p: f(p), m: f(m), v: f(v), g: f(g), lr: f([base * factor]), c1: f([1 - ADAM_BETA1 ** step]), c2: f([1 - ADAM_BETA2 ** step]) });
      [p, m, v] = ['p_out', 'm_out', 'v_out'].map((k) => out[k].data as Float32Array);
      const gt = tf.tensor(g, dims);
      adam.apply(ref, new Map([['x.skip.w', gt]]), base, step, (k) => (k.includes('.skip.') ? factor : 1));
      gt.dispose();
      expect(relErr(p, ref.get('x.skip.w')!.dataSync() as Float32Array)).toBeLessThan(1e-6);
      expect(relErr(m, adam.m.get('x.skip.w')!.dataSync() as Float32Array)).toBeLessThan(1e-6);
      expect(relErr(v, adam.v.get('x.skip.w')!.dataSync() as Float32Array)).toBeLessThan(1e-6);
    }
    // and the step moved the parameter by about the rate (Adam's first steps are gradient-scale free)
    const moved = relErr(p, uniform(12, 1, -1, 1)) * Math.max(...uniform(12, 1, -1, 1).map(Math.abs));
    expect(moved).toBeGreaterThan(base * factor);
    adam.dispose();
    ref.get('x.skip.w')!.dispose();
    await sess.release();
  });
});

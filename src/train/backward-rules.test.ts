import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { attr } from '../onnx/graph-builder.js';
import { writeModel } from '../onnx/model-io.js';
import { SeededRandom } from '../model/seeded-random.js';
import { Tape, appendBackward } from './autodiff.js';

/** Values uniform in ±[lo, 1]: with lo > eps, finite differences never cross a kink of Relu/Abs. */
function rand(n: number, seed: number, lo = 0): number[] {
  const r = new SeededRandom(seed);
  return Array.from({ length: n }, () => (r.next() < 0.5 ? -1 : 1) * r.uniform(lo, 1));
}
const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);

interface RuleCase {
  name: string;
  inputs: number[][];
  /** builds the op under test from the input names; returns its output */
  forward: (t: Tape, xs: string[]) => string;
  /** finite-difference step; inputs stay at least `margin` from 0 where the op has a kink there */
  eps: number;
  margin?: number;
}

// Each case: loss = sum(op(inputs) * R) for a fixed random R, gradient of every input against central
// differences. Every op is linear or piecewise linear in each input, so central differences are exact
// up to float32 rounding of the loss as long as no kink is crossed.
const cases: RuleCase[] = [
  { name: 'Conv 3x3 pad 1 (dx, dW, db)', inputs: [[2, 3, 5, 4], [4, 3, 3, 3], [4]], eps: 0.5,
    forward: (t, [x, w, b]) => t.op('Conv', [x, w, b], { pads: attr.ints([1, 1, 1, 1]) }, [2, 4, 5, 4]) },
  { name: 'Conv 5x5 pad 2, no bias', inputs: [[1, 2, 6, 5], [3, 2, 5, 5]], eps: 0.5,
    forward: (t, [x, w]) => t.op('Conv', [x, w], { pads: attr.ints([2, 2, 2, 2]) }, [1, 3, 6, 5]) },
  { name: 'Conv 3x3, fewer outputs than inputs (dW from dy\'s taps)', inputs: [[2, 5, 4, 5], [2, 5, 3, 3], [2]], eps: 0.5,
    forward: (t, [x, w, b]) => t.op('Conv', [x, w, b], { pads: attr.ints([1, 1, 1, 1]) }, [2, 2, 4, 5]) },
  { name: 'Conv 5x5 pad 2, fewer outputs than inputs', inputs: [[1, 4, 6, 7], [2, 4, 5, 5]], eps: 0.5,
    forward: (t, [x, w]) => t.op('Conv', [x, w], { pads: attr.ints([2, 2, 2, 2]) }, [1, 2, 6, 7]) },
  { name: 'Relu', inputs: [[2, 3, 4]], eps: 0.1, margin: 0.2,
    forward: (t, [x]) => t.op('Relu', [x], {}, [2, 3, 4]) },
  { name: 'Abs', inputs: [[3, 5]], eps: 0.1, margin: 0.2,
    forward: (t, [x]) => t.op('Abs', [x], {}, [3, 5]) },
  { name: 'Add with broadcast', inputs: [[2, 3, 2, 2], [1, 3, 1, 1]], eps: 0.5,
    forward: (t, [a, b]) => t.op('Add', [a, b], {}, [2, 3, 2, 2]) },
  { name: 'Sub with broadcast', inputs: [[2, 3, 2], [3, 1]], eps: 0.5,
    forward: (t, [a, b]) => t.op('Sub', [a, b], {}, [2, 3, 2]) },
  { name: 'Mul', inputs: [[2, 3, 2], [2, 3, 2]], eps: 0.5,
    forward: (t, [a, b]) => t.op('Mul', [a, b], {}, [2, 3, 2]) },
  { name: 'Mul by a constant (residual scale)', inputs: [[2, 4]], eps: 0.5,
    forward: (t, [a]) => t.op('Mul', [a, t.scalar(0.7071)], {}, [2, 4]) },
  { name: 'DepthToSpace CRD x2', inputs: [[1, 8, 2, 3]], eps: 0.5,
    forward: (t, [x]) => t.op('DepthToSpace', [x], { blocksize: attr.int(2), mode: attr.string('CRD') }, [1, 2, 4, 6]) },
  { name: 'DepthToSpace DCR x3', inputs: [[1, 9, 2, 1]], eps: 0.5,
    forward: (t, [x]) => t.op('DepthToSpace', [x], { blocksize: attr.int(3), mode: attr.string('DCR') }, [1, 1, 6, 3]) },
  { name: 'Transpose NHWC -> NCHW', inputs: [[2, 3, 4, 3]], eps: 0.5,
    forward: (t, [x]) => t.op('Transpose', [x], { perm: attr.ints([0, 3, 1, 2]) }, [2, 3, 3, 4]) },
  { name: 'Slice (crop centre)', inputs: [[1, 2, 6, 5]], eps: 0.5,
    forward: (t, [x]) => t.op('Slice', [x, t.i64([1, 2]), t.i64([5, 4]), t.i64([2, 3])], {}, [1, 2, 4, 2]) },
  { name: 'ReduceMean over all axes', inputs: [[2, 3, 2]], eps: 0.5,
    forward: (t, [x]) => t.op('ReduceMean', [x], { keepdims: attr.int(0) }, []) },
  { name: 'ReduceSum over axes 0,2', inputs: [[2, 3, 2]], eps: 0.5,
    forward: (t, [x]) => t.op('ReduceSum', [x, t.i64([0, 2])], { keepdims: attr.int(0) }, [3]) },
];

async function session(t: Tape): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(writeModel(t.build()), { graphOptimizationLevel: 'disabled' });
}

describe('backward rules against finite differences', () => {
  it.each(cases)('$name', async ({ inputs, forward, eps, margin }) => {
    const t = new Tape('rule');
    const names = inputs.map((s, i) => t.input(`x${i}`, s));
    const y = forward(t, names);
    const ys = t.shape(y);
    const r = t.f32(ys, rand(size(ys), 99));
    const loss = t.op('ReduceSum', [t.op('Mul', [y, r], {}, ys)], { keepdims: attr.int(0) }, [], 'loss');
    const grads = appendBackward(t, loss, names);
    t.output(loss);
    names.forEach((n) => t.output(t.rename(grads.get(n)!, `grad_${n}`)));
    const sess = await session(t);
    const values = inputs.map((s, i) => Float32Array.from(rand(size(s), i + 1, margin ?? 0)));
    const feeds = (vs: Float32Array[]): Record<string, ort.Tensor> =>
      Object.fromEntries(names.map((n, i) => [n, new ort.Tensor('float32', vs[i], inputs[i])]));
    const base = await sess.run(feeds(values));
    const lossAt = async (k: number, i: number, d: number): Promise<number> => {
      const vs = values.map((v) => v.slice());
      vs[k][i] += d;
      return ((await sess.run(feeds(vs))).loss.data as Float32Array)[0];
    };
    for (let k = 0; k < names.length; k++) {
      const g = base[`grad_${names[k]}`].data as Float32Array;
      expect(g.length).toBe(values[k].length);
      for (let i = 0; i < values[k].length; i++) {
        const fd = ((await lossAt(k, i, eps)) - (await lossAt(k, i, -eps))) / (2 * eps);
        expect(Math.abs(g[i] - fd)).toBeLessThan(2e-4 * Math.max(1, Math.abs(fd)));
      }
    }
    await sess.release();
  });

  it('refuses an operator without a rule and a strided Conv, naming the node', () => {
    const t = new Tape('bad');
    const x = t.input('x', [1, 1, 4, 4]);
    const y = t.op('Sigmoid', [x], {}, [1, 1, 4, 4]);
    const loss = t.op('ReduceSum', [y], { keepdims: attr.int(0) }, []);
    expect(() => appendBackward(t, loss, [x])).toThrow(/no backward rule for Sigmoid/);
    const t2 = new Tape('strided');
    const x2 = t2.input('x', [1, 1, 4, 4]);
    const w2 = t2.input('w', [1, 1, 3, 3]);
    const y2 = t2.op('Conv', [x2, w2], { strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) }, [1, 1, 2, 2]);
    const loss2 = t2.op('ReduceSum', [y2], { keepdims: attr.int(0) }, []);
    expect(() => appendBackward(t2, loss2, [w2])).toThrow(/stride 1.*strides \[2,2\]/);
  });
});

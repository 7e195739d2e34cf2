import { beforeAll, describe, expect, it } from 'vitest';
import { initTfBackend, tf } from './tf-backend.js';
import { trainableConv2d } from './trainable-conv.js';
import { SeededRandom } from '../model/seeded-random.js';

function rand(n: number, seed: number): Float32Array {
  const r = new SeededRandom(seed);
  return Float32Array.from({ length: n }, () => r.uniform(-1, 1));
}

beforeAll(async () => { await initTfBackend(); });

describe('trainableConv2d', () => {
  // loss = sum(conv(x, w) * R) is linear in x and in w, so central differences are exact up to float rounding
  it.each([
    { name: '3x3, 3->4', x: [2, 5, 6, 3], w: [3, 3, 3, 4] },
    { name: '5x5, 3->2 (skip conv)', x: [1, 7, 5, 3], w: [5, 5, 3, 2] },
    { name: '3x3, 4->8, batch 3', x: [3, 4, 4, 4], w: [3, 3, 4, 8] },
  ])('gradients match finite differences ($name)', ({ x: xs, w: ws }) => {
    const xData = rand(xs.reduce((a, b) => a * b), 1);
    const wData = rand(ws.reduce((a, b) => a * b), 2);
    const outShape = [xs[0], xs[1], xs[2], ws[3]];
    const R = tf.tensor(rand(outShape.reduce((a, b) => a * b), 3), outShape);
    const loss = (x: tf.Tensor, w: tf.Tensor): tf.Scalar => tf.sum(tf.mul(trainableConv2d(x as tf.Tensor4D, w as tf.Tensor4D), R));
    const x = tf.tensor4d(xData, xs as [number, number, number, number]);
    const w = tf.tensor4d(wData, ws as [number, number, number, number]);
    // forward matches tf.conv2d
    expect(tf.max(tf.abs(tf.sub(trainableConv2d(x, w), tf.conv2d(x, w, 1, 'same')))).dataSync()[0]).toBe(0);
    const [gx, gw] = tf.grads(loss)([x, w]).map((g) => g.dataSync());
    const eps = 0.5;
    const fd = (data: Float32Array, shape: number[], isX: boolean, i: number): number => {
      const plus = data.slice(); plus[i] += eps;
      const minus = data.slice(); minus[i] -= eps;
      const f = (d: Float32Array): number => tf.tidy(() => isX
        ? loss(tf.tensor(d, shape), w).dataSync()[0]
        : loss(x, tf.tensor(d, shape)).dataSync()[0]);
      return (f(plus) - f(minus)) / (2 * eps);
    };
    for (let i = 0; i < xData.length; i++) expect(gx[i]).toBeCloseTo(fd(xData, xs, true, i), 3);
    for (let i = 0; i < wData.length; i++) expect(gw[i]).toBeCloseTo(fd(wData, ws, false, i), 3);
  });
});

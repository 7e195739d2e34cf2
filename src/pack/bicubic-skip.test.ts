// An untrained model started from bicubicStartWeights, run by onnxruntime-node, equals the packer's
// bicubic upscaling away from the borders (where zero padding and symmetric padding differ).
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { exportDynamicSR } from '../model/export-onnx.js';
import { defaultPathSpecs } from '../model/wdsr-spec.js';
import { writeModel } from '../onnx/model-io.js';
import { upscaleBicubic } from './bicubic.js';
import { extractClampedNCHW } from './patch-inference.js';
import { bicubicStartWeights } from './bicubic-skip.js';

describe('bicubicStartWeights', () => {
  it.each([2, 3, 4] as const)('x%i: untrained model = bicubic inside the frame', async (s) => {
    const spec = defaultPathSpecs(s, [[12, 12]]);
    const session = await ort.InferenceSession.create(writeModel(exportDynamicSR(spec, bicubicStartWeights(spec, 3))));
    const w = 12, h = 12;
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 97 + 13) % 251;
    const lr = { width: w, height: h, data };
    const input = new Float32Array(3 * w * h);
    extractClampedNCHW(lr, 0, 0, w, h, input, 0);
    const out = (await session.run({ lr: new ort.Tensor('float32', input, [1, 3, h, w]) })).hr.data as Float32Array;
    const ref = upscaleBicubic(lr, s).data;
    const W = w * s, H = h * s, plane = W * H;
    let maxDiff = 0;
    for (let y = 3 * s; y < H - 3 * s; y++) for (let x = 3 * s; x < W - 3 * s; x++) for (let c = 0; c < 3; c++) {
      const got = Math.min(255, Math.max(0, Math.round(out[c * plane + y * W + x] * 255)));
      maxDiff = Math.max(maxDiff, Math.abs(got - ref[(y * W + x) * 3 + c]));
    }
    expect(maxDiff).toBeLessThanOrEqual(1);
    await session.release();
  });
});

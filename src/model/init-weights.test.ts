import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { initWeights } from './init-weights.js';
import { defaultPathSpecs } from './wdsr-spec.js';
import { pathConvs } from './path-params.js';
import { SeededRandom } from './seeded-random.js';
import { forwardPath } from '../train/forward.js';
import { initTfBackend } from '../train/tf-backend.js';

beforeAll(async () => { await initTfBackend(); });

describe('initWeights', () => {
  it('is deterministic per seed and covers every conv of every path', () => {
    const spec = defaultPathSpecs(2, [[32, 32], [16, 16], [8, 8]]);
    const a = initWeights(spec, 5);
    const b = initWeights(spec, 5);
    const c = initWeights(spec, 6);
    const names = spec.paths.flatMap((p) => pathConvs(p, 2).flatMap((cv) => [`${cv.name}.w`, `${cv.name}.b`]));
    expect([...a.keys()].sort()).toEqual(names.sort());
    expect([...a.get('p2.b3.c1.w')!.data]).toEqual([...b.get('p2.b3.c1.w')!.data]);
    expect([...a.get('p2.b3.c1.w')!.data]).not.toEqual([...c.get('p2.b3.c1.w')!.data]);
  });

  // an untrained path is a bilinear upscale: compare with ffmpeg's bilinear away from the border
  // (the conv zero-pads, ffmpeg clamps), on a random image
  it.each([2, 3, 4] as const)('an untrained x%i path equals ffmpeg bilinear upscaling in the interior', (s) => {
    const w = 20;
    const h = 16;
    const r = new SeededRandom(s);
    const lr = Uint8Array.from({ length: w * h * 3 }, () => r.int(256));
    const bil = new Uint8Array(execFileSync('ffmpeg', ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${w}x${h}`, '-i', '-',
      '-vf', `scale=${w * s}:${h * s}:flags=bilinear`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { input: lr }));
    const spec = defaultPathSpecs(s, [[h, w]]);
    const nchw = new Float32Array(3 * w * h);
    for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) nchw[c * w * h + i] = lr[i * 3 + c] / 255;
    const out = forwardPath(spec, initWeights(spec, 1), 0, nchw, 1, h, w);
    const W = w * s;
    const H = h * s;
    let maxErr = 0;
    for (let y = 2 * s; y < H - 2 * s; y++) for (let x = 2 * s; x < W - 2 * s; x++) for (let c = 0; c < 3; c++) {
      maxErr = Math.max(maxErr, Math.abs(out[c * W * H + y * W + x] * 255 - bil[(y * W + x) * 3 + c]));
    }
    expect(maxErr).toBeLessThan(1.5); // ffmpeg rounds to 8 bits with its own fixed-point taps
  });
});

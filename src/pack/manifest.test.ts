// manifestProblems: a valid manifest passes, and each broken field is named.
import { describe, expect, it } from 'vitest';
import { manifestProblems } from './manifest.js';

const valid = {
  format: 'dydca-pack/1', source: { file: 'a.mp4', sha256: 'a'.repeat(64) }, fps: 20, frames: 2, scale: 2, halo: 3,
  crop: { scaledWidth: 128, scaledHeight: 72, x: 0, y: 4, width: 128, height: 64 },
  lr: { width: 64, height: 32, file: 'lr.mp4', codec: 'avc1.64000a' },
  hr: { width: 128, height: 64, file: 'hr.mp4', codec: 'avc1.64000b', lossless: false },
  method: 'dydca',
  model: { file: 'model.onnx', paths: [{ id: 0, patch: [32, 32], blocks: 2, channels: 32 }, { id: 1, patch: [16, 16], blocks: 4, channels: 32 }] },
  patches: { file: 'patches.json' },
  metrics: { psnrBicubic: 30, psnrSR: 31, psnrSRPerFrame: [31, 31], psnrBicubicPerFrame: [30, 30], psnrLrStream: 45 },
};
type Json = Record<string, unknown>;
const edit = (f: (m: Json) => void): Json => { const m = structuredClone(valid) as Json; f(m); return m; };

describe('manifestProblems', () => {
  it('accepts a valid manifest', () => expect(manifestProblems(valid)).toEqual([]));
  it.each<[string, Json | string, RegExp]>([
    ['wrong format', edit((m) => { m.format = 'x'; }), /format/],
    ['bad sha', edit((m) => { (m.source as Json).sha256 = 'xyz'; }), /sha256/],
    ['scale 5', edit((m) => { m.scale = 5; }), /scale must be 2, 3 or 4/],
    ['hr not scale x lr', edit((m) => { (m.hr as Json).width = 100; }), /hr size must be scale x lr size/],
    ['bad codec', edit((m) => { (m.lr as Json).codec = 'h264'; }), /lr\.codec/],
    ['path ids out of order', edit((m) => { ((m.model as Json).paths as Json[])[1].id = 5; }), /model\.paths\[1\]/],
    ['per-frame list too short', edit((m) => { (m.metrics as Json).psnrSRPerFrame = [1]; }), /psnrSRPerFrame/],
    ['negative halo', edit((m) => { m.halo = -1; }), /halo/],
    ['not an object', 'manifest', /not a JSON object/],
  ])('%s', (_name, m, want) => {
    const problems = manifestProblems(m);
    expect(problems.some((p) => want.test(p))).toBe(true);
  });
});

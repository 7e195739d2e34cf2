// x2, x3 and x4 end to end through the real CLI: half a second (10 frames) of a real clip packed at each scale with a
// few training steps, then checked as the player and `dydca eval` will read it: the folder, the manifest (sizes,
// the splitter's patch sizes and halo for that scale), the routing inside model.onnx, the model's output size
// on every path's input, and eval's numbers against the packer's. The nas/stdo baselines run once at x4.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutTestClip, runDydca } from './cli-runner.test-helper.js';
import { manifestProblems, type PackManifest, type PatchesFile } from '../format/manifest.js';
import { validateLayout } from '../format/patch-layout.js';
import { routePathId, routingThresholds } from '../model/export-onnx.js';
import { defaultPathSpecs } from '../model/wdsr-spec.js';
import type { Graph } from '../onnx/graph.js';
import { readModel } from '../onnx/model-io.js';
import { defaultBasePatch } from './pack-options.js';
import { maxHaloForRouting } from './splitter.js';

let dir: string;
let clip: string;

interface EvalReport { frames: number; psnrSR: number; psnrBicubic: number; psnrSRPerFrame: number[]; ssimSR: number; ssimBicubic: number; packed: { psnrSR: number; psnrBicubic: number } }

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dydca-scales-'));
  // 240x136: not a multiple of every scale's patch grid, so the packer's padding is exercised too
  clip = cutTestClip(join(dir, 'cut.mp4'), 240, 136, 0.5);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The coded HR size the packer pads 240x136 to: a multiple of scale x finest patch (base/4 with 3 paths) in each direction. */
function expectedCoded(scale: number): [number, number] {
  const unit = scale * (defaultBasePatch(scale) / 4);
  return [Math.ceil(240 / unit) * unit, Math.ceil(136 / unit) * unit];
}

/** The `route/t{k}` constants of the file, nested If branches included, ordered by k. */
function routeThresholdsInFile(graph: Graph): number[] {
  const found: [number, number][] = [];
  const walk = (g: Graph): void => {
    for (const n of g.nodes) {
      const k = /^route\/t(\d+)$/.exec(n.name);
      const a = n.attributes.value;
      if (k && a?.type === 'tensor') found.push([Number(k[1]), Number(a.value.data[0])]);
      for (const sub of Object.values(n.attributes)) if (sub.type === 'graph') walk(sub.value);
    }
  };
  walk(graph);
  return found.sort((a, b) => a[0] - b[0]).map(([, t]) => t);
}

describe.each([2, 3, 4] as const)('dydca pack + eval at x%i', (scale) => {
  it('writes a pack whose patches, halo, routing, model output size and eval numbers fit the scale', async () => {
    const out = join(dir, `pack-x${scale}`);
    const packed = await runDydca('pack', [clip, '--out', out, '--scale', String(scale), '--steps', '12', '--batch', '4', '--json']);
    expect(packed.stderr).toMatch(/\[done\]/);
    expect(packed.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['hr', 'hr.m3u8', 'hr.mp4', 'lr', 'lr.m3u8', 'lr.mp4', 'manifest.json', 'model.onnx', 'patches-00000.json', 'patches.json', 'tier1']);
    for (const key of ['lr', 'hr']) expect(readdirSync(join(out, key)).sort()).toEqual(['00000.m4s', 'init.mp4']);
    expect(readdirSync(join(out, 'tier1'))).toEqual(['model.onnx']);

    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PackManifest;
    expect(manifestProblems(m)).toEqual([]);
    // the whole picture, nothing cropped; LR x scale covers it padded to the patch grid
    expect([m.scale, m.frames, m.hr.width, m.hr.height]).toEqual([scale, 10, 240, 136]);
    expect([m.lr.width * scale, m.lr.height * scale]).toEqual(expectedCoded(scale));
    // the splitter's sizes at this scale: 128 HR px at level 0 (64/40/32 LR px), halved per level
    const base = { 2: 64, 3: 40, 4: 32 }[scale];
    const sizes = [base, base / 2, base / 4];
    expect(m.model.paths.map((p) => p.patch)).toEqual(sizes.map((v) => [v, v]));
    expect(m.split).toMatchObject({ basePatch: base, levels: 3 });
    expect(m.training).toMatchObject({ loss: 'l2', cropSampling: 'error' }); // the packer's defaults, recorded
    expect(m.halo).toBe(maxHaloForRouting(sizes));
    expect(m.halo).toBeGreaterThan(0);

    const patches = JSON.parse(readFileSync(join(out, 'patches.json'), 'utf8')) as PatchesFile;
    expect(patches.frames).toHaveLength(10);
    for (const f of patches.frames) {
      expect(validateLayout(f, m.lr.width, m.lr.height)).toBeNull();
      for (const [, , w, h, path] of f) expect([w, h]).toEqual(sizes.map((v) => [v, v])[path]);
    }

    // routing in the file: its thresholds are the spec's, and every path's patch grown by the halo lands on that path
    const spec = defaultPathSpecs(scale, m.model.paths.map((p) => p.patch));
    const thresholds = routeThresholdsInFile(readModel(readFileSync(join(out, 'model.onnx'))).graph);
    expect(thresholds).toEqual(routingThresholds(spec));
    for (const p of m.model.paths) expect(routePathId(spec, p.patch[0] + 2 * m.halo)).toBe(p.id);

    // the exported model, and the phone tier's (the same paths' patches), scale every path's input (patch + halo on
    // each side, a batch of 2) by `scale`
    expect(m.tiers!.map((t) => t.model.file)).toEqual(['model.onnx', 'tier1/model.onnx']);
    for (const t of m.tiers!) {
      const session = await ort.InferenceSession.create(join(out, t.model.file));
      try {
        for (const p of t.model.paths) {
          const side = p.patch[0] + 2 * m.halo;
          const input = new Float32Array(2 * 3 * side * side).map((_, i) => ((i * 7919) % 251) / 250);
          const res = await session.run({ lr: new ort.Tensor('float32', input, [2, 3, side, side]) });
          const hr = res.hr as ort.Tensor;
          expect(hr.dims, t.model.file).toEqual([2, 3, side * scale, side * scale]);
          expect((hr.data as Float32Array).every(Number.isFinite)).toBe(true);
        }
      } finally {
        await session.release();
      }
    }

    expect(m.metrics.psnrSRPerFrame).toHaveLength(10);
    // the least-squares skip start alone beats bicubic on natural content at every scale
    expect(m.metrics.psnrSR).toBeGreaterThan(m.metrics.psnrBicubic);
    const evaluated = await runDydca('eval', [out, '--json']);
    expect(evaluated.code).toBe(0);
    const report = JSON.parse(evaluated.stdout) as EvalReport;
    expect(report.frames).toBe(10);
    expect(report.psnrSRPerFrame).toHaveLength(10);
    expect(report.packed).toEqual({ psnrSR: m.metrics.psnrSR, psnrBicubic: m.metrics.psnrBicubic, psnrSRPlayed: m.metrics.psnrSRPlayed });
    // eval's reference is the lossy hr.mp4 and it runs the model on lr.mp4 again: close to the packer's numbers
    expect(Math.abs(report.psnrSR - m.metrics.psnrSR)).toBeLessThan(1);
    expect(Math.abs(report.psnrBicubic - m.metrics.psnrBicubic)).toBeLessThan(1);
    expect(Math.abs(report.ssimSR - m.metrics.ssimSR!)).toBeLessThan(0.02);
    expect(report.psnrSR).toBeGreaterThan(report.psnrBicubic);
  }, 120_000);
});

describe.each(['nas', 'stdo'] as const)('--method %s at x4', (method) => {
  it('writes one model per group, each scaling by 4, and eval reads it', async () => {
    const out = join(dir, `pack-${method}-x4`);
    const packed = await runDydca('pack', [clip, '--out', out, '--scale', '4', '--method', method, '--models', '2', '--steps', '6', '--batch', '4', '--loss', 'l1', '--json']);
    expect(packed.code).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PackManifest;
    expect(manifestProblems(m)).toEqual([]);
    expect(m.training.loss).toBe('l1'); // --loss reaches the trainer's record; crops are Dy-DCA's only
    expect(m.training.cropSampling).toBeUndefined();
    expect(m.model.files).toEqual(['model-0.onnx', 'model-1.onnx']);
    const patches = JSON.parse(readFileSync(join(out, 'patches.json'), 'utf8')) as PatchesFile;
    for (const f of patches.frames) expect(validateLayout(f, m.lr.width, m.lr.height)).toBeNull();
    for (const file of m.model.files!) {
      const session = await ort.InferenceSession.create(join(out, file));
      try {
        const [w, h] = method === 'nas' ? [m.lr.width, m.lr.height] : [16 + 2 * m.halo, 16 + 2 * m.halo];
        const res = await session.run({ lr: new ort.Tensor('float32', new Float32Array(3 * w * h).fill(0.5), [1, 3, h, w]) });
        expect((res.hr as ort.Tensor).dims).toEqual([1, 3, h * 4, w * 4]);
      } finally {
        await session.release();
      }
    }
    const evaluated = await runDydca('eval', [out, '--json']);
    expect(evaluated.code).toBe(0);
    const report = JSON.parse(evaluated.stdout) as EvalReport;
    expect(report.frames).toBe(10);
    expect(Number.isFinite(report.psnrSR) && Number.isFinite(report.psnrBicubic)).toBe(true);
    expect(Math.abs(report.psnrSR - m.metrics.psnrSR)).toBeLessThan(1);
  }, 120_000);
});

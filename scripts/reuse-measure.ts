// What a reuse map would save on an existing pack (issue 21, the bundled demo packs), without re-packing: decides the
// modes as the packer's reuse stage does, but against the pack's decoded hr.mp4 (the packer uses the exact source
// frames), at each margin given, and prints executed GFLOP per frame and PSNR played vs full SR.
//   npx tsx scripts/reuse-measure.ts public/demo 0.05,0.1,0.2
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSegmentStart, MODE_SR } from '../src/format/patch-mode.js';
import type { PatchRect } from '../src/format/patch.js';
import { mean, psnrRgb8 } from '../src/format/psnr.js';
import { frameGflop } from '../src/model/sr-cost.js';
import { streamRgb } from '../src/pack/encode.js';
import { readManifest, readPatches } from '../src/pack/evaluate.js';
import { FrameMeter } from '../src/pack/frame-metrics.js';
import { PlayedFrames } from '../src/pack/reuse-replay.js';
import { cropPicture } from '../src/pack/source-frames.js';

const [dir, marginList = '0.1'] = process.argv.slice(2);
const margins = marginList.split(',').map(Number);
const m = readManifest(dir);
const layout = readPatches(dir, m).frames.map((f) => f.map(([x, y, w, h, path]): PatchRect => ({ x, y, w, h, path })));
const meter = await FrameMeter.open([readFileSync(join(dir, m.model.file))], m.scale, m.halo);
const codedW = m.lr.width * m.scale, codedH = m.lr.height * m.scale, picture = { width: m.hr.width, height: m.hr.height };
const g = { width: codedW, picture, scale: m.scale, lrWidth: m.lr.width, lrHeight: m.lr.height, halo: m.halo };
const runs = margins.map((margin) => ({ margin, replay: new PlayedFrames(g), played: [] as number[], executed: [] as number[] }));
const full: number[] = [], gflops: number[] = [];
const lr = streamRgb(join(dir, m.lr.file), m.lr.width, m.lr.height)[Symbol.asyncIterator]();
const hr = streamRgb(join(dir, m.hr.file), codedW, codedH)[Symbol.asyncIterator]();
const pic = (d: Uint8Array): Uint8Array => cropPicture(d, codedW, picture.width, picture.height);
const cost = (ps: PatchRect[]): number => frameGflop(ps, m.model.paths, m.scale, m.halo);
for (const [n, rects] of layout.entries()) {
  const [l, h] = await Promise.all([lr.next(), hr.next()]);
  const { sr, up } = await meter.render(l.value, rects);
  const ref = pic(h.value.data);
  full.push(psnrRgb8(pic(sr.data), ref));
  gflops.push(cost(rects));
  const images = { lr: l.value.data, sr: sr.data, bicubic: up.data, hr: h.value.data };
  const start = isSegmentStart(n, m.patches.segments?.frames ?? null);
  for (const r of runs) {
    const patches = rects.map((p) => ({ ...p }));
    const modes = r.replay.decide(patches, images, start, r.margin, (p) => cost([p]));
    patches.forEach((p, k) => { p.mode = modes[k]; });
    r.played.push(psnrRgb8(pic(r.replay.advance(patches, images, start)), ref));
    r.executed.push(cost(patches.filter((p) => p.mode === MODE_SR)));
  }
  if (n % 20 === 0) process.stderr.write(`frame ${n}/${layout.length}\n`);
}
await meter.release();
const f2 = (v: number): string => v.toFixed(2), f3 = (v: number): string => v.toFixed(3);
console.log(`${dir}: ${layout.length} frames, full SR ${f3(mean(full))} dB at ${f2(mean(gflops))} GFLOP per frame (reference: decoded hr.mp4)`);
for (const r of runs) {
  console.log(`  margin ${r.margin}: played ${f3(mean(r.played))} dB (${f3(mean(r.played) - mean(full))}), executed ${f2(mean(r.executed))} GFLOP per frame ` +
    `(max ${f2(Math.max(...r.executed))}), ${f2(mean(gflops) / Math.max(1e-9, mean(r.executed)))}x fewer`);
}

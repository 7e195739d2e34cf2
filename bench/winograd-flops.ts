// `npx tsx bench/winograd-flops.ts [--pack DIR]`: executed GFLOP per frame of the compiled engine on a pack's real
// patch layout (every frame of patches.json), with the implicit-GEMM conv for every layer ("direct") and with
// Winograd F(2x2,3x3) (its first tiling) for every 3x3 conv on the arena: the block convs. Counted per kernel as generated:
// direct conv 2*Cin*Cout*K*K per output; Winograd: 2*Cin*Cout per transform position per 2x2 tile (16 positions,
// tiles over the whole workgroup grid, channels padded to blocks of 4 as executed) plus the input and output
// transforms as often as they run (codegen/winograd-conv-kernel.ts winogradFlops); the SR tail (tail conv + 5x5 skip
// on the patch centre) is the same in both. Every patch is grown by the halo, as the engine runs it. CPU only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileShapeClass, packWeights, shapeClassKey, type ShapeClassPlan } from '../src/compiler/compile-shape-class.js';
import { chooseConvTiling, convOutputSize } from '../src/compiler/codegen/conv-kernel.js';
import { isWinograd } from '../src/compiler/codegen/conv-variant.js';
import { winogradCandidates, winogradFlops } from '../src/compiler/codegen/winograd-conv-kernel.js';
import { readModel } from '../src/onnx/model-io.js';

const arg = (name: string): string | undefined => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : undefined; };
const dir = arg('pack') ?? 'public/demo';
const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const frames = JSON.parse(readFileSync(join(dir, m.patches.file), 'utf8')).frames as number[][][];
const model = readModel(new Uint8Array(readFileSync(join(dir, m.model.file))));
const weights = packWeights(model.graph);

/** Executed FLOPs of one patch of a planned class, split into kernel kinds. */
function flops(plan: ShapeClassPlan): { head: number; blocks: number; tail: number } {
  const out = { head: 0, blocks: 0, tail: 0 };
  for (const k of plan.kernels) {
    if (k.kind === 'tail') { out.tail += 2 * k.macsPerPatch; continue; }
    const spec = k.convSpec!, v = k.convVariant!;
    const [oh, ow] = convOutputSize(spec);
    const f = isWinograd(v) ? winogradFlops(spec, oh, ow, v) : 2 * k.macsPerPatch;
    if (k.readsLR) out.head += f; else out.blocks += f;
  }
  return out;
}

type Row = { head: number; blocks: number; tail: number };
const perClass = new Map<string, { direct: Row; winograd: Row; path: number; w: number; h: number }>();
const totals = { direct: [] as number[], winograd: [] as number[] };
const perPath = new Map<number, { patches: number; direct: Row; winograd: Row; kernels: string }>();
const add = (a: Row, b: Row, n = 1) => { a.head += n * b.head; a.blocks += n * b.blocks; a.tail += n * b.tail; };
const sum = (r: Row) => r.head + r.blocks + r.tail;
for (const f of frames) {
  let d = 0, w = 0;
  for (const [, , pw, ph, path] of f) {
    const cls = { path, patchH: ph, patchW: pw };
    const key = shapeClassKey(cls);
    let c = perClass.get(key);
    if (!c) {
      const direct = compileShapeClass(model, cls, m.scale, m.halo, weights, 'f32', { convTiling: (s) => chooseConvTiling(s.cout, s.k) });
      const wino = compileShapeClass(model, cls, m.scale, m.halo, weights, 'f32', { convTiling: (s) => winogradCandidates(s)[0] });
      c = { direct: flops(direct), winograd: flops(wino), path, w: pw, h: ph };
      perClass.set(key, c);
      if (!perPath.has(path)) {
        const kinds = wino.kernels.filter((k) => k.convVariant).map((k) => (isWinograd(k.convVariant!) ? 'W' : 'G'));
        perPath.set(path, { patches: 0, direct: { head: 0, blocks: 0, tail: 0 }, winograd: { head: 0, blocks: 0, tail: 0 }, kernels: kinds.join('') });
      }
    }
    const p = perPath.get(path)!;
    p.patches++;
    add(p.direct, c.direct); add(p.winograd, c.winograd);
    d += sum(c.direct); w += sum(c.winograd);
  }
  totals.direct.push(d); totals.winograd.push(w);
}
const n = frames.length;
const g = (v: number) => (v / 1e9).toFixed(3);
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
console.log(`${dir}: ${m.lr.width}x${m.lr.height} LR x${m.scale}, halo ${m.halo}, ${n} frames (mean per frame; G = implicit GEMM, W = Winograd, head first)`);
console.log('| path | patch | blocks | patches/frame | conv kernels (after) | GFLOP direct | GFLOP after | head | blocks direct -> after | tail |\n|---|---|---|---|---|---|---|---|---|---|');
for (const [path, p] of [...perPath].sort((a, b) => a[0] - b[0])) {
  const info = m.model.paths.find((q: { id: number }) => q.id === path);
  console.log(`| ${path} | ${info.patch[1]}x${info.patch[0]} | ${info.blocks} | ${(p.patches / n).toFixed(1)} | ${p.kernels} | ${g(sum(p.direct) / n)} | ${g(sum(p.winograd) / n)} | ${g(p.winograd.head / n)} | ${g(p.direct.blocks / n)} -> ${g(p.winograd.blocks / n)} | ${g(p.winograd.tail / n)} |`);
}
const md = mean(totals.direct), mw = mean(totals.winograd);
console.log(`| all | | | ${(frames.reduce((s, f) => s + f.length, 0) / n).toFixed(1)} | | ${g(md)} | ${g(mw)} | | | |`);
console.log(`GFLOP per frame: direct mean ${g(md)} (max ${g(Math.max(...totals.direct))}), Winograd mean ${g(mw)} (max ${g(Math.max(...totals.winograd))}): ${(md / mw).toFixed(2)}x fewer`);

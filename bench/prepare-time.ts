// `npx tsx bench/prepare-time.ts [--pack dir] [--engine compiled|compiled-f16] [--switches N]`
// Times the compiled engine's prepare() on a pack's model in Node (Dawn; SwiftShader here): cold, then after
// N engine switches (dispose + a new engine on the same device, as the player does), and prints pipelines made.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../src/runtime/create-engine.js';
import type { EngineModel, EngineName } from '../src/runtime/engine.js';
import { closeNodeGpuDevice, nodeGpuDevice } from '../src/runtime/gpu-test-device.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
const dir = arg('pack') ?? 'public/demo';
const names = (arg('engine') ?? 'compiled').split(',') as EngineName[];
const switches = Number(arg('switches') ?? 1);
const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const model: EngineModel = { onnx: new Uint8Array(readFileSync(join(dir, m.model.file))), scale: m.scale, halo: m.halo, paths: m.model.paths.map((p: { id: number; patch: [number, number] }) => ({ id: p.id, patch: p.patch })) };
const device = await nodeGpuDevice();
try {
  for (let round = 0; round <= switches; round++) {
    for (const name of names) {
      const engine = await createEngine(name, device, model);
      const t0 = performance.now();
      let last = '';
      await engine.prepare((_f, msg) => { last = msg; });
      console.log(`${round === 0 ? 'cold' : `switch ${round}`} ${name}: prepare ${(performance.now() - t0).toFixed(0)} ms (${last})`);
      engine.dispose();
    }
  }
} finally {
  await closeNodeGpuDevice();
}

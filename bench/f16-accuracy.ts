// `npx tsx bench/f16-accuracy.ts [--pack DIR] [--frames N]`: compiled-f16 against compiled (f32) on a pack's whole
// frames in Node + Dawn (SwiftShader here: packed halves): per frame the PSNR of each against the HR reference
// (hr.mp4, the contract's PSNR, over the picture: a padded pack's HR frames are coded at LR x scale) and the largest
// byte difference between their HR frames.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codedHrSize } from '../src/format/manifest.js';
import { psnrRgb8 } from '../src/format/psnr.js';
import { createEngine } from '../src/runtime/create-engine.js';
import type { EngineModel, PatchRect } from '../src/runtime/engine.js';
import { closeNodeGpuDevice, nodeGpuDevice, readTexture, uploadTexture } from '../src/runtime/gpu-test-device.js';

const arg = (name: string): string | undefined => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : undefined; };
process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
const dir = arg('pack') ?? 'public/demo';
const count = Number(arg('frames') ?? 2);
const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const decode = (file: string, w: number, h: number, fmt: string, bpp: number) => {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', join(dir, file), '-frames:v', String(count), '-f', 'rawvideo', '-pix_fmt', fmt, '-'], { maxBuffer: 1 << 30 });
  return Array.from({ length: count }, (_, i) => new Uint8Array(raw.subarray(i * w * h * bpp, (i + 1) * w * h * bpp)));
};
const lrFrames = decode(m.lr.file, m.lr.width, m.lr.height, 'rgba', 4);
const coded = codedHrSize(m);
// the picture: the top-left hr.width x hr.height of each coded frame
const picture = (frame: Uint8Array, bpp: number) => Uint8Array.from({ length: m.hr.width * m.hr.height * bpp }, (_, i) => {
  const p = Math.floor(i / bpp);
  return frame[(Math.floor(p / m.hr.width) * coded.width + (p % m.hr.width)) * bpp + (i % bpp)];
});
const hrFrames = decode(m.hr.file, coded.width, coded.height, 'rgb24', 3).map((f) => picture(f, 3));
const patches = (JSON.parse(readFileSync(join(dir, m.patches.file), 'utf8')).frames as number[][][]).map((f) => f.map(([x, y, w, h, path]): PatchRect => ({ x, y, w, h, path })));
const model: EngineModel = { onnx: new Uint8Array(readFileSync(join(dir, m.model.file))), scale: m.scale, halo: m.halo, paths: m.model.paths.map((p: { id: number; patch: [number, number] }) => ({ id: p.id, patch: p.patch })) };
const device = await nodeGpuDevice();
const rgb = (rgba: Uint8Array) => Uint8Array.from({ length: (rgba.length / 4) * 3 }, (_, i) => rgba[Math.floor(i / 3) * 4 + (i % 3)]);
try {
  const engines = { f32: await createEngine('compiled', device, model), f16: await createEngine('compiled-f16', device, model) };
  for (const e of Object.values(engines)) await e.prepare();
  console.log('| frame | PSNR f32 dB | PSNR f16 dB | change dB | max byte diff f16 vs f32 |\n|---|---|---|---|---|');
  for (let i = 0; i < count; i++) {
    const lr = uploadTexture(device, m.lr.width, m.lr.height, lrFrames[i]);
    const out: Record<string, Uint8Array> = {};
    for (const [k, e] of Object.entries(engines)) {
      const hr = device.createTexture({ size: [coded.width, coded.height], format: 'rgba8unorm', usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC });
      await e.run({ lr, hr, patches: patches[i] });
      out[k] = rgb(await readTexture(device, hr, m.hr));
      hr.destroy();
    }
    const a = psnrRgb8(out.f32, hrFrames[i]), b = psnrRgb8(out.f16, hrFrames[i]);
    let diff = 0;
    for (let j = 0; j < out.f32.length; j++) diff = Math.max(diff, Math.abs(out.f32[j] - out.f16[j]));
    console.log(`| ${i} | ${a.toFixed(3)} | ${b.toFixed(3)} | ${(b - a).toFixed(4)} | ${diff} |`);
    lr.destroy();
  }
  for (const e of Object.values(engines)) e.dispose();
} finally {
  await closeNodeGpuDevice();
}

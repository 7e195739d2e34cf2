// A pack is untrusted input to `dydca eval`: a real tiny pack (made by the CLI) is tampered with the ways a
// careless or hostile pack could be, and eval must refuse each with one line naming the file, exit 2, never
// reading outside the pack nor echoing what it read.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDydca } from './cli-runner.test-helper.js';
import { evaluatePack, readPack } from './evaluate.js';
import { InputError } from './ingest.js';

let dir: string;
let pack: string;
let n = 0;
// the manifest as JSON, edited freely by the tampering functions
type Manifest = { [k: string]: any };
const SECRET = 'root:x:0:0:do-not-echo-me';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dydca-evalbad-'));
  writeFileSync(join(dir, 'secret.txt'), `${SECRET}\n`);
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=128x128:rate=10', '-t', '0.5', '-pix_fmt', 'yuv420p', join(dir, 'clip.mp4')]);
  pack = join(dir, 'pack');
  const r = await runDydca('pack', [join(dir, 'clip.mp4'), '--out', pack, '--steps', '1', '--quiet']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh copy of the pack, changed by `f`. */
function tampered(f: (p: string, manifest: Manifest) => void): string {
  const p = join(dir, `t${n++}`);
  cpSync(pack, p, { recursive: true });
  const m = JSON.parse(readFileSync(join(p, 'manifest.json'), 'utf8'));
  f(p, m);
  writeFileSync(join(p, 'manifest.json'), JSON.stringify(m));
  return p;
}

describe('dydca pack output is readable by a web server running as another user', () => {
  it('folders 0777 and files 0666 less the umask (0755 / 0644 at the usual 022), segments included', () => {
    const umask = process.umask();
    expect(statSync(pack).mode & 0o777).toBe(0o777 & ~umask);
    for (const f of ['lr.mp4', 'hr.mp4', 'model.onnx', 'patches.json', 'manifest.json', 'lr.m3u8', 'lr/init.mp4', 'lr/00000.m4s', 'hr.m3u8', 'hr/00000.m4s']) {
      expect(statSync(join(pack, f)).mode & 0o777, f).toBe(0o666 & ~umask);
    }
    for (const d of ['lr', 'hr']) expect(statSync(join(pack, d)).mode & 0o777, d).toBe(0o777 & ~umask);
  });
});

describe('dydca eval of a tampered pack', () => {
  it.each<[string, (p: string, m: Manifest) => void, RegExp]>([
    ['patches.file = ../secret.txt (was read, its first line printed)', (_p, m) => { m.patches.file = '../secret.txt'; }, /patches\.file must be a plain file name inside the pack/],
    ['patches.file absolute', (_p, m) => { m.patches.file = join(dir, 'secret.txt'); }, /patches\.file must be a plain file name inside the pack/],
    ['lr.file as a URL (ffmpeg would fetch it)', (_p, m) => { m.lr.file = 'http://127.0.0.1:9/lr.mp4'; }, /lr\.file must be a plain file name inside the pack/],
    ['patches.json a symbolic link out of the pack', (p) => { rmSync(join(p, 'patches.json')); symlinkSync(join(dir, 'secret.txt'), join(p, 'patches.json')); },
      /patches\.json leads outside the pack folder \(a symbolic link\); refusing to read it/],
    ['a patch segment not JSON', (p) => { writeFileSync(join(p, 'patches-00000.json'), `${SECRET}\n`); }, /patches-00000\.json is not valid JSON$/],
    ['patches.json not JSON (a pack without segments reads it)', (p, m) => { delete m.patches.segments; writeFileSync(join(p, 'patches.json'), `${SECRET}\n`); }, /patches\.json is not valid JSON$/],
    ['a patch segment for other frames', (p) => { writeFileSync(join(p, 'patches-00000.json'), JSON.stringify({ firstFrame: 3, frames: [] })); },
      /patches-00000\.json \(patch segment 0 of 1\): expected \{"firstFrame": 0/],
    ['halo 300 (took 5.5 GB and gave a wrong PSNR)', (_p, m) => { m.halo = 300; }, /halo must be an integer in 0\.\.16/],
    ['16K frames claimed', (_p, m) => { m.lr.width = 7680; m.lr.height = 4320; m.hr.width = 15360; m.hr.height = 8640; }, /hr must be .*1\.\.8192/],
    ['model.onnx missing', (p) => { rmSync(join(p, 'model.onnx')); }, /model\.onnx: no such file or folder \(ENOENT\); the pack is incomplete or damaged/],
    ['a model of another scale (the manifest says x4, model.onnx is x2)', (_p, m) => { m.scale = 4; m.hr.width = m.lr.width * 4; m.hr.height = m.lr.height * 4; },
      /model\.onnx upscales x2 \(a 1x3x8x8 input gave 1x3x16x16\); the manifest says scale 4 \(expected 1x3x32x32\)/],
    // eval streams (a frame at a time), so no length is refused for memory; the claim fails at the stream check
    ['frames x size beyond this machine\'s memory', (_p, m) => {
      m.frames = 500_000; m.metrics.psnrSRPerFrame = Array(500_000).fill(30); m.metrics.psnrBicubicPerFrame = Array(500_000).fill(30);
      m.lr.width = 4096; m.lr.height = 4096; m.hr.width = 8192; m.hr.height = 8192; m.model.paths = [{ id: 0, patch: [64, 64], blocks: 2, channels: 32 }];
      // segment counts follow the frames; eval reads patches.json and the progressive streams; the tiers' paths would
      // no longer be the model's
      delete m.patches.segments; delete m.lr.segments; delete m.hr.segments; delete m.tiers;
    }, /lr\.mp4 is 64x64; the manifest says 4096x4096/],
    ['model.onnx a folder', (p) => { rmSync(join(p, 'model.onnx')); mkdirSync(join(p, 'model.onnx')); }, /model\.onnx is not a regular file/],
  ])('%s', async (_name, change, want) => {
    const p = tampered(change);
    const e = await evaluatePack(p).then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(want);
    expect((e as Error).message).not.toContain('do-not-echo-me');
  });

  it('lr.mp4 of another size than the manifest says is refused before decoding (was garbage PSNR)', async () => {
    const p = tampered((q) => execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=10', '-t', '0.5', '-pix_fmt', 'yuv420p', join(q, 'lr.mp4')]));
    await expect(evaluatePack(p)).rejects.toThrow(/lr\.mp4 is 96x64; the manifest says 64x64/);
  });

  it('lr.mp4 with fewer frames than the manifest says', async () => {
    const p = tampered((q) => execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=64x64:rate=10', '-t', '0.2', '-pix_fmt', 'yuv420p', join(q, 'lr.mp4')]));
    await expect(evaluatePack(p)).rejects.toThrow(/lr\.mp4 holds 2 frames; the manifest says 5/);
  });

  it('the untampered pack reads', () => {
    expect(readPack(pack).manifest.frames).toBe(5);
  });

  it('through the CLI: a corrupt model.onnx is one line naming the file, exit 2 (was "protobuf parsing failed", exit 1)', async () => {
    const p = tampered((q) => writeFileSync(join(q, 'model.onnx'), 'not protobuf at all'));
    const r = await runDydca('eval', [p]);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toEqual([expect.stringMatching(/^dydca eval: .*model\.onnx is not a model onnxruntime can load \(.*\)$/)]);
  }, 60_000);

  it('through the CLI: a manifest naming a file outside the pack, exit 2, nothing of it echoed', async () => {
    const p = tampered((_q, m) => { m.patches.file = '../secret.txt'; });
    const r = await runDydca('eval', [p]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('do-not-echo-me');
  }, 60_000);
});

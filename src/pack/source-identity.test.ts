// What was read is what is hashed: the sha256 covers the bytes present at probe time, and ffmpeg reads no more of a
// file that grows after it (a recording still being written), through the `subfile` input sourceIdentity gives.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRawFrames } from './ffmpeg-process.js';
import { ingestFfmpegArgs, planFrame, probeVideo } from './ingest.js';
import { hashSource, sourceIdentity } from './source-identity.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'dydca-identity-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
/** Moves the file's mtime on, as a writer would (file systems with coarse timestamps may not on their own). */
const touchLater = (f: string): void => { const t = new Date(Date.now() + 5000); utimesSync(f, t, t); };

describe('hashSource', () => {
  it('an unchanged file: the sha256 of the whole file, nothing to say', async () => {
    const f = join(dir, 'same.bin');
    writeFileSync(f, 'abcdef');
    expect(await hashSource(sourceIdentity(f, `file:${f}`))).toEqual({ sha256: sha(Buffer.from('abcdef')), changed: null });
  });
  it('a file that grew after probing hashes as it was, and says so', async () => {
    const f = join(dir, 'grows.bin');
    writeFileSync(f, 'first part;');
    const id = sourceIdentity(f, `file:${f}`);
    appendFileSync(f, ' more written later');
    touchLater(f);
    const h = await hashSource(id);
    expect(h.sha256).toBe(sha(Buffer.from('first part;')));
    expect(h.changed).toMatch(/grows\.bin grew from 11 to 30 bytes while being packed; the pack and its sha256 are of the first 11 bytes$/);
  });
  it('a file cut shorter: the bytes still there, and says so', async () => {
    const f = join(dir, 'shrinks.bin');
    writeFileSync(f, '0123456789');
    const id = sourceIdentity(f, `file:${f}`);
    truncateSync(f, 4);
    const h = await hashSource(id);
    expect(h.sha256).toBe(sha(Buffer.from('0123')));
    expect(h.changed).toMatch(/shrinks\.bin was cut to 4 bytes while being packed \(it had 10\); its sha256 in the manifest covers the 4 bytes still there$/);
  });
  it('the ffmpeg input reads bytes [0, size) of the file: URL; an empty file is not bounded', () => {
    const f = join(dir, 'x, y,,:z.bin');
    writeFileSync(f, '12345');
    expect(sourceIdentity(f, `file:${f}`).ffmpegInput).toBe(`subfile,,start,0,end,5,,:file:${f}`);
    writeFileSync(join(dir, 'empty.bin'), '');
    expect(sourceIdentity(join(dir, 'empty.bin'), 'file:/e').ffmpegInput).toBe('file:/e');
  });
});

describe('a video still being written', () => {
  it('packs the frames that were there when probed, not those written after', async () => {
    const whole = join(dir, 'whole.mkv');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=10', '-t', '2', '-g', '1', '-pix_fmt', 'yuv420p', whole]);
    const bytes = readFileSync(whole);
    // a name with the protocol's own separators: the options end at the first ',,:'
    const growing = join(dir, 'growing,,: still.mkv');
    writeFileSync(growing, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const probe = await probeVideo(growing);
    writeFileSync(growing, bytes); // the recording goes on
    const plan = planFrame(probe, null, 16);
    const args = ingestFfmpegArgs(probe, plan, { start: 0, seconds: null });
    const frames = (await readRawFrames(args, plan.paddedWidth * plan.paddedHeight * 3)).frames.length;
    const all = (await readRawFrames(ingestFfmpegArgs(await probeVideo(growing), plan, { start: 0, seconds: null }), plan.paddedWidth * plan.paddedHeight * 3)).frames.length;
    expect(all).toBe(20);
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThan(15);
    expect((await hashSource(probe.source)).sha256).toBe(sha(bytes.subarray(0, probe.source.size)));
  }, 60_000);
});

// manifestProblems: a valid manifest passes, and each broken field is named.
import { describe, expect, it } from 'vitest';
import { codedHrSize, isPackPath, isPadded, localFileProblems, segmentFrames, MANIFEST_LIMITS, manifestProblems, patchesProblem, patchSegmentProblem, segmentPatches, type PackManifest, type PatchesFile } from './manifest.js';
import { validateLayout, type PatchTuple } from './patch-layout.js';

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
  it('accepts a padded pack: the picture (hr) smaller than scale x lr, the coded size', () => {
    const padded = edit((m) => { m.hr = { ...(m.hr as Json), width: 120, height: 60 }; });
    expect(manifestProblems(padded)).toEqual([]);
    expect(codedHrSize(padded as unknown as PackManifest)).toEqual({ width: 128, height: 64 });
    expect(isPadded(padded as unknown as PackManifest)).toBe(true);
    expect(isPadded(valid as unknown as PackManifest)).toBe(false);
  });
  it('accepts sampled metrics (one PSNR per frameStride-th frame)', () => {
    expect(manifestProblems(edit((m) => { m.frames = 3; (m.metrics as Json).frameStride = 2; }))).toEqual([]);
  });
  it('accepts gflopsPerFrame and model.budget (optional: older packs lack them)', () => {
    expect(manifestProblems(edit((m) => { m.gflopsPerFrame = { mean: 9.1, max: 9.9 }; (m.model as Json).budget = { maxGflopsPerFrame: 10 }; }))).toEqual([]);
  });
  it.each<[string, Json | string, RegExp]>([
    ['wrong format', edit((m) => { m.format = 'x'; }), /format/],
    ['bad sha', edit((m) => { (m.source as Json).sha256 = 'xyz'; }), /sha256/],
    ['scale 5', edit((m) => { m.scale = 5; }), /scale must be 2, 3 or 4/],
    ['hr wider than scale x lr', edit((m) => { (m.hr as Json).width = 130; }), /hr \(the picture, 130x64\) must fit in scale x lr \(64x32 x2\)/],
    ['padding larger than the picture', edit((m) => { (m.hr as Json).height = 30; }), /padded by less than the picture/],
    ['frameStride not an integer', edit((m) => { (m.metrics as Json).frameStride = 1.5; }), /metrics\.frameStride/],
    ['per-frame list not one per frameStride-th frame', edit((m) => { (m.metrics as Json).frameStride = 2; }), /one PSNR per 2th frame \(1\); got 2/],
    ['padding as large as the picture', edit((m) => { (m.hr as Json).height = 32; }), /hr \(the picture, 128x32\) must fit in scale x lr .*padded by less than the picture/],
    ['bad codec', edit((m) => { (m.lr as Json).codec = 'h264'; }), /lr\.codec/],
    ['path ids out of order', edit((m) => { ((m.model as Json).paths as Json[])[1].id = 5; }), /model\.paths\[1\]/],
    ['per-frame list too short', edit((m) => { (m.metrics as Json).psnrSRPerFrame = [1]; }), /psnrSRPerFrame/],
    ['negative halo', edit((m) => { m.halo = -1; }), /halo/],
    ['not an object', 'manifest', /not a JSON object/],
    ['halo 300 (made eval use 5.5 GB)', edit((m) => { m.halo = 300; }), /halo must be an integer in 0\.\.16/],
    ['halo as large as the smallest patch', edit((m) => { m.halo = 16; }), /halo 16 must be smaller than the smallest patch side \(16\)/],
    ['16K frames (took 515 MB before failing)', edit((m) => { m.lr = { ...(m.lr as Json), width: 7680, height: 4320 }; m.hr = { ...(m.hr as Json), width: 15360, height: 8640 }; }),
      /hr must be .* integers in 1\.\.8192/],
    ['zero-sized frames', edit((m) => { (m.lr as Json).width = 0; (m.hr as Json).width = 0; }), /lr must be/],
    ['fractional frame count', edit((m) => { m.frames = 2.5; }), /frames must be an integer/],
    ['a billion frames', edit((m) => { m.frames = 1e9; }), /frames must be an integer in 1\.\.518400/],
    ['infinite fps (1e999 in JSON)', edit((m) => { m.fps = Infinity; }), /fps must be a number in/],
    ['a path patch larger than the frame', edit((m) => { ((m.model as Json).paths as Json[])[0].patch = [4096, 32]; }), /model\.paths\[0\] must be .*within the LR frame/],
    ['10^6 channels', edit((m) => { ((m.model as Json).paths as Json[])[0].channels = 1e6; }), /channels 1\.\.512/],
    ['empty model.file', edit((m) => { (m.model as Json).file = ''; }), /model\.file must be a file name/],
    ['model.file with a backslash', edit((m) => { (m.model as Json).file = '..\\model.onnx'; }), /model\.file must be a file name/],
    ['a control character in lr.file', edit((m) => { (m.lr as Json).file = 'lr\n.mp4'; }), /lr\.file must be a file name/],
    ['gflopsPerFrame not an object', edit((m) => { m.gflopsPerFrame = 26.6; }), /gflopsPerFrame must be \{mean, max\}/],
    ['gflopsPerFrame mean above max', edit((m) => { m.gflopsPerFrame = { mean: 30, max: 20 }; }), /gflopsPerFrame must be/],
    ['gflopsPerFrame negative', edit((m) => { m.gflopsPerFrame = { mean: -1, max: 2 }; }), /gflopsPerFrame must be/],
    ['gflopsPerFrame.executed mean above max', edit((m) => { m.gflopsPerFrame = { mean: 3, max: 4, executed: { mean: 2, max: 1 } }; }), /gflopsPerFrame.executed must be/],
    ['gflopsPerFrame infinite (1e999 in JSON)', edit((m) => { m.gflopsPerFrame = { mean: 1, max: Infinity }; }), /gflopsPerFrame must be/],
    ['model.budget of 0', edit((m) => { (m.model as Json).budget = { maxGflopsPerFrame: 0 }; }), /model\.budget must be/],
    ['model.budget a bare number', edit((m) => { (m.model as Json).budget = 10; }), /model\.budget must be/],
  ])('%s', (_name, m, want) => {
    const problems = manifestProblems(m);
    expect(problems.some((p) => want.test(p))).toBe(true);
  });
});

describe('manifestProblems: tiers (extension; packs without it stay valid)', () => {
  const tier = (file: string, channels: number, mean: number, psnrSR: number): Json => ({
    model: { file, paths: [{ id: 0, patch: [32, 32], blocks: 1, channels }, { id: 1, patch: [16, 16], blocks: 2, channels }] },
    halo: 3, gflopsPerFrame: { mean, max: mean + 1, executed: { mean: mean / 2, max: mean } }, metrics: { psnrSR, psnrBicubic: 30 }, training: { steps: 10, seconds: 1.5 },
  });
  const tiered = edit((m) => {
    m.gflopsPerFrame = { mean: 10, max: 11 };
    m.tiers = [{ ...tier('model.onnx', 32, 10, 31), model: structuredClone(m.model), gflopsPerFrame: { mean: 10, max: 11 } }, tier('tier1/model.onnx', 16, 4, 30.5)];
  });
  const change = (f: (ts: Json[], m: Json) => void): Json => { const c = structuredClone(tiered); f(c.tiers as Json[], c); return c; };
  it('accepts two tiers in falling cost', () => expect(manifestProblems(tiered)).toEqual([]));
  it('accepts a pack without tiers (made before them, or --tiers 1)', () => expect(manifestProblems(valid)).toEqual([]));
  it.each<[string, Json, string | RegExp]>([
    ['not a list', change((_, m) => { m.tiers = { model: 'x' }; }), 'tiers must list 1..4 tiers; got {"model":"x"}'],
    ['five tiers', change((ts, m) => { m.tiers = [...ts, ...ts, ts[0]]; }), 'tiers must list 1..4 tiers; got "5 tiers"'],
    ['rising cost', change((ts) => { (ts[1].gflopsPerFrame as Json).mean = 12; (ts[1].gflopsPerFrame as Json).max = 13; }), 'tiers must be in falling cost; tiers[1] costs 12 GFLOP per frame (mean) after 10'],
    ['equal cost', change((ts) => { ts[1].gflopsPerFrame = { mean: 10, max: 11 }; }), /tiers must be in falling cost; tiers\[1\] costs 10/],
    ['tier 0 is not the top-level model', change((ts) => { (ts[0].model as Json).file = 'tier1/model.onnx'; }), /tiers\[0\] must be the top-level model \("model.onnx" with its paths\)/],
    ['tier 0 with other numbers than the top level', change((ts) => { (ts[0].metrics as Json).psnrSR = 40; }), 'tiers[0].metrics.psnrSR must be the top level\'s (31); got 40'],
    ['tier 0 with another cost', change((ts) => { ts[0].gflopsPerFrame = { mean: 10, max: 12 }; }), /tiers\[0\]\.gflopsPerFrame must be the top level's/],
    ['a model file climbing out of the pack', change((ts) => { (ts[1].model as Json).file = '../model.onnx'; }), /tiers\[1\]\.model must be \{file \(a path inside the pack\)/],
    ['a model file as a URL', change((ts) => { (ts[1].model as Json).file = 'https://x.example/m.onnx'; }), /tiers\[1\]\.model must be/],
    ['paths routed otherwise (another patch shape)', change((ts) => { ((ts[1].model as Json).paths as Json[])[1].patch = [8, 8]; }), /tiers\[1\]\.model must be .*the top-level paths' ids and patches/],
    ['fewer paths than the layout routes to', change((ts) => { ((ts[1].model as Json).paths as Json[]).pop(); }), /tiers\[1\]\.model must be/],
    ['a million channels', change((ts) => { ((ts[1].model as Json).paths as Json[])[0].channels = 1e6; }), /tiers\[1\]\.model must be/],
    ['another halo', change((ts) => { ts[1].halo = 2; }), 'tiers[1].halo must be the pack\'s halo (3): the tiers share the layout; got 2'],
    ['cost mean above max', change((ts) => { ts[1].gflopsPerFrame = { mean: 5, max: 4 }; }), /tiers\[1\]\.gflopsPerFrame must be \{mean, max, executed\?/],
    ['executed not a cost', change((ts) => { (ts[1].gflopsPerFrame as Json).executed = 3; }), /tiers\[1\]\.gflopsPerFrame must be/],
    ['infinite cost', change((ts) => { (ts[1].gflopsPerFrame as Json).max = Infinity; }), /tiers\[1\]\.gflopsPerFrame must be/],
    ['no PSNR', change((ts) => { ts[1].metrics = { psnrBicubic: 30 }; }), /tiers\[1\]\.metrics must hold psnrSR and psnrBicubic/],
    ['PSNR a string', change((ts) => { (ts[1].metrics as Json).psnrSR = '30'; }), /tiers\[1\]\.metrics must hold/],
    ['negative training steps', change((ts) => { ts[1].training = { steps: -1, seconds: 1 }; }), /tiers\[1\]\.training must be \{steps, seconds\}/],
    ['a tier that is not an object', change((ts) => { ts[1] = 7 as unknown as Json; }), 'tiers[1] must be {model, halo, gflopsPerFrame, metrics}; got 7'],
  ])('%s', (_name, m, want) => {
    const problems = manifestProblems(m);
    if (typeof want === 'string') expect(problems).toContain(want);
    else expect(problems.some((p) => want.test(p)), problems.join('\n')).toBe(true);
  });
});

describe('manifestProblems says the expected and the found value', () => {
  it.each<[string, Json | string, string]>([
    ['mean -1e309 (was reported as got {"mean":null})', JSON.parse(JSON.stringify(valid).replace('"metrics"', '"gflopsPerFrame": {"mean": -1e309, "max": 1}, "metrics"')) as Json,
      'gflopsPerFrame must be {mean, max} with 0 <= mean <= max < 1e9; got {"mean":-Infinity (a number beyond the float range),"max":1}'],
    ['fps 1e999', edit((m) => { m.fps = Infinity; }), 'fps must be a number in (0, 1000]; got Infinity (a number beyond the float range)'],
    ['scale 5', edit((m) => { m.scale = 5; }), 'scale must be 2, 3 or 4; got 5'],
    ['hr wider than scale x lr', edit((m) => { (m.hr as Json).width = 130; }), 'hr (the picture, 130x64) must fit in scale x lr (64x32 x2), padded by less than the picture'],
    ['halo "3"', edit((m) => { m.halo = '3'; }), 'halo must be an integer in 0..16; got "3"'],
    ['per-frame list too short', edit((m) => { (m.metrics as Json).psnrSRPerFrame = [1]; }), 'metrics.psnrSRPerFrame must list one PSNR per frame (2); got 1'],
    ['format', edit((m) => { m.format = 'dydca-pack/2'; }), 'format must be "dydca-pack/1"; got "dydca-pack/2"'],
  ])('%s', (_name, m, message) => expect(manifestProblems(m)).toContain(message));
});

describe('manifestProblems quotes at most a short value', () => {
  it('a long hostile file name is cut in the message', () => {
    const long = 'x/'.repeat(5000);
    const problems = manifestProblems(edit((m) => { (m.lr as Json).file = long; }));
    expect(problems.join('; ').length).toBeLessThan(600);
  });
});

describe('patchesProblem and validateLayout bound work before allocating', () => {
  const m = valid as unknown as PackManifest;
  const tile = (): PatchTuple[] => [[0, 0, 32, 32, 0], [32, 0, 32, 32, 0]];
  it('accepts a tiling layout', () => expect(patchesProblem({ frames: [tile(), tile()] }, m)).toBeNull());
  it('accepts modes: bicubic anywhere, reuse of the frame before\'s rect', () => {
    expect(patchesProblem({ frames: [[[0, 0, 32, 32, 0, 2], [32, 0, 32, 32, 0]], [[0, 0, 32, 32, 0, 1], [32, 0, 32, 32, 0, 1]]] }, m)).toBeNull();
  });
  it.each<[string, unknown, RegExp]>([
    ['not an object', 'x', /expected \{"frames"/],
    ['frame count differs', { frames: [tile()] }, /1 frames listed; the manifest says 2/],
    ['a million patches in a frame', { frames: [Array.from({ length: 1_000_000 }, () => [0, 0, 1, 1, 0]), tile()] }, /frame 0 lists 1000000 patches; at most 8 fit a 64x32 frame/],
    ['a path the model does not have', { frames: [[[0, 0, 32, 32, 0], [32, 0, 32, 32, 7]], tile()] }, /path 7 is not one of the model's 2 paths/],
    ['a gap', { frames: [[[0, 0, 32, 32, 0]], tile()] }, /covered by no patch/],
    ['a mode other than 0, 1, 2', { frames: [[[0, 0, 32, 32, 0, 4], [32, 0, 32, 32, 0]], tile()] }, /has mode 4/],
    ['reuse on the first frame', { frames: [[[0, 0, 32, 32, 0, 1], [32, 0, 32, 32, 0]], tile()] }, /frame 0: .* segment's first frame/],
    ['reuse of a rect the frame before lacks', { frames: [tile(), [[0, 0, 16, 32, 1, 1], [16, 0, 16, 32, 1], [32, 0, 32, 32, 0]]] }, /frame 1: .* does not have/],
  ])('%s', (_name, json, want) => {
    expect(patchesProblem(json, m)).toMatch(want);
  });
  it('validateLayout refuses a 16K frame without allocating its owner map', () => {
    const before = process.memoryUsage().arrayBuffers;
    expect(validateLayout([], 15360, 8640)?.message).toMatch(/not within 1\.\.8192/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
    expect(validateLayout([[0, 0, 1, 1, 0]], 0.5, 2)?.message).toMatch(/not within/);
  });
  it('the bounds are exported for the player', () => {
    expect(MANIFEST_LIMITS.maxHrSide).toBe(8192);
    expect(MANIFEST_LIMITS.maxHalo).toBe(16);
  });
});

describe('localFileProblems: a pack read from disk names plain files inside its folder only', () => {
  it('accepts the names the packer writes', () => expect(localFileProblems(valid as unknown as PackManifest)).toEqual([]));
  it.each<[string, Json, RegExp]>([
    ['patches.file climbing out of the pack', edit((m) => { (m.patches as Json).file = '../../etc/passwd'; }), /patches\.file must be a plain file name inside the pack/],
    ['absolute lr.file', edit((m) => { (m.lr as Json).file = '/etc/passwd'; }), /lr\.file must be a plain file name inside the pack/],
    ['hr.file as a URL (ffmpeg would fetch it)', edit((m) => { (m.hr as Json).file = 'http://attacker.example/hr.mp4'; }), /hr\.file must be a plain file name inside the pack/],
    ['model.files entry in a subfolder', edit((m) => { (m.model as Json).files = ['model.onnx', 'sub/model-1.onnx']; }), /model\.files\[1\] must be a plain file name inside the pack/],
    ['lr.file read as an ffmpeg option', edit((m) => { (m.lr as Json).file = '-i'; }), /lr\.file must be a plain file name inside the pack/],
    ['a hidden file', edit((m) => { (m.patches as Json).file = '.htpasswd'; }), /patches\.file must be a plain file name inside the pack/],
    ['a file: URL', edit((m) => { (m.patches as Json).file = 'file:///etc/passwd'; }), /patches\.file must be a plain file name inside the pack/],
  ])('%s', (_name, m, want) => {
    expect(manifestProblems(m)).toEqual([]);
    expect(localFileProblems(m as unknown as PackManifest).join('; ')).toMatch(want);
  });
});

describe('patch layout segments (manifest extension)', () => {
  const layout = { frames: [[[0, 0, 32, 32, 0], [32, 0, 32, 32, 0]], [[0, 0, 32, 32, 0], [32, 0, 32, 32, 0]]] } as PatchesFile;
  const m = structuredClone(valid) as unknown as PackManifest;

  it('segmentPatches cuts the layout into files of N frames, the last one shorter', () => {
    const three = { frames: [...layout.frames, layout.frames[0]] };
    const { segments, files } = segmentPatches(three, 2);
    expect(segments).toEqual({ frames: 2, files: ['patches-00000.json', 'patches-00001.json'] });
    expect([...files.values()].map((f) => [f.firstFrame, f.frames.length])).toEqual([[0, 2], [2, 1]]);
  });

  it('a manifest with segments is valid, and names them as its files', () => {
    const withSegments = { ...m, patches: { file: 'patches.json', segments: { frames: 1, files: ['patches-00000.json', 'patches-00001.json'] } } };
    expect(manifestProblems(withSegments)).toEqual([]);
    expect(localFileProblems({ ...withSegments, patches: { ...withSegments.patches, segments: { frames: 1, files: ['a.json', '../b.json'] } } }))
      .toEqual([expect.stringMatching(/patches\.segments\.files\[1\] must be a plain file name/)]);
  });

  it.each<[string, unknown, RegExp]>([
    ['too few files', { frames: 1, files: ['a.json'] }, /patches\.segments must be/],
    ['zero frames', { frames: 0, files: [] }, /patches\.segments must be/],
    ['a file name with a control character', { frames: 2, files: ['a\u0001.json'] }, /patches\.segments\.files\[0\]/],
  ])('refuses %s', (_name, segments, pattern) => {
    expect(manifestProblems({ ...m, patches: { file: 'patches.json', segments } }).join('; ')).toMatch(pattern);
  });

  it.each<[string, unknown, number, RegExp | null]>([
    ['a good segment', { firstFrame: 1, frames: [layout.frames[1]] }, 1, null],
    ['the wrong first frame', { firstFrame: 0, frames: [layout.frames[1]] }, 1, /"firstFrame": 1/],
    ['too many frames', { firstFrame: 0, frames: layout.frames }, 0, /2 frames listed; segment 0 holds 1/],
    ['overlapping patches', { firstFrame: 0, frames: [[[0, 0, 32, 32, 0], [0, 0, 32, 32, 0]]] }, 0, /frame 0: .*overlap/],
    ['an unknown path', { firstFrame: 1, frames: [[[0, 0, 32, 32, 0], [32, 0, 32, 32, 7]]] }, 1, /frame 1: patch path 7/],
  ])('patchSegmentProblem: %s', (_name, json, index, pattern) => {
    const seg = { ...m, patches: { file: 'patches.json', segments: { frames: 1, files: ['a.json', 'b.json'] } } };
    const problem = patchSegmentProblem(json, seg, index);
    if (pattern === null) expect(problem).toBeNull(); else expect(problem).toMatch(pattern);
  });
});

describe('stream segments (manifest extension lr/hr.playlist and .segments)', () => {
  // 3 frames in segments of 2: two files each, the layout cut alike
  const seg = (name: string): Json => ({ frames: 2, init: `${name}/init.mp4`, files: [`${name}/00000.m4s`, `${name}/00001.m4s`], bytes: [900, 0] });
  const streamed = edit((m) => {
    m.frames = 3;
    (m.metrics as Json).psnrSRPerFrame = [1, 1, 1]; (m.metrics as Json).psnrBicubicPerFrame = [1, 1, 1];
    Object.assign(m.lr as Json, { playlist: 'lr.m3u8', segments: seg('lr') });
    Object.assign(m.hr as Json, { playlist: 'hr.m3u8', segments: seg('hr') });
    m.patches = { file: 'patches.json', segments: { frames: 2, files: ['patches-00000.json', 'patches-00001.json'] } };
  });

  it('a streamed manifest is valid, for readers from disk too', () => {
    expect(manifestProblems(streamed)).toEqual([]);
    expect(localFileProblems(streamed as unknown as PackManifest)).toEqual([]);
  });
  it('a pack without them (older packs) stays valid', () => expect(manifestProblems(valid)).toEqual([]));

  it.each<[string, (m: Json) => void, RegExp]>([
    ['one file too few', (m) => { ((m.lr as Json).segments as Json).files = ['lr/00000.m4s']; }, /lr\.segments must be .* \(2\); got frames 2, 1 files, 2 sizes/],
    ['no sizes', (m) => { delete ((m.hr as Json).segments as Json).bytes; }, /hr\.segments must be .*; got frames 2, 2 files, no sizes/],
    ['zero frames per segment', (m) => { ((m.lr as Json).segments as Json).frames = 0; }, /lr\.segments must be \{frames: 1\.\.518400/],
    ['a negative size', (m) => { ((m.lr as Json).segments as Json).bytes = [900, -1]; }, /lr\.segments\.bytes\[1\] must be a file size \(an integer >= 0\); got -1/],
    ['a fractional size', (m) => { ((m.hr as Json).segments as Json).bytes = [1.5, 2]; }, /hr\.segments\.bytes\[0\] must be a file size/],
    ['a segment climbing out of the pack', (m) => { ((m.lr as Json).segments as Json).files = ['lr/00000.m4s', '../x.m4s']; }, /lr\.segments\.files\[1\] must be a path inside the pack/],
    ['an absolute init', (m) => { ((m.hr as Json).segments as Json).init = '/etc/passwd'; }, /hr\.segments\.init must be a path inside the pack/],
    ['a URL as playlist', (m) => { (m.lr as Json).playlist = 'http://x.example/lr.m3u8'; }, /lr\.playlist must be a path inside the pack/],
    ['HR segments of other frames than LR', (m) => { ((m.hr as Json).segments as Json).frames = 3; ((m.hr as Json).segments as Json).files = ['hr/0.m4s']; ((m.hr as Json).segments as Json).bytes = [1]; },
      /segments must hold the same frames each; got lr\.segments\.frames 2, hr\.segments\.frames 3, patches\.segments\.frames 2/],
    ['layout segments of other frames than LR', (m) => { m.patches = { file: 'patches.json', segments: { frames: 3, files: ['p.json'] } }; }, /segments must hold the same frames each/],
  ])('refuses %s', (_name, change, want) => {
    const m = structuredClone(streamed);
    change(m);
    expect(manifestProblems(m).join('; ')).toMatch(want);
  });

  it.each<[unknown, boolean]>([
    ['lr.m3u8', true], ['lr/00000.m4s', true], ['a/b/c/d.m4s', true], ['a/b/c/d/e.m4s', false], ['../lr.m3u8', false], ['lr/../x', false],
    ['/lr.m3u8', false], ['lr//x', false], ['lr/.x', false], ['lr/-i', false], ['C:\\x', false], ['http://h/x', false], ['', false], [3, false],
  ])('isPackPath(%j) is %s', (name, ok) => expect(isPackPath(name)).toBe(ok));

  it.each<[number, number]>([[20, 40], [25, 50], [24, 48], [29.97, 60], [59.94, 120], [0.2, 1], [0.4, 1], [1, 2]])('segmentFrames(%s fps) = %s', (fps, n) => {
    expect(segmentFrames(fps)).toBe(n);
  });
});

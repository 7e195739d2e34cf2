// The pack's manifest.json (docs/pack-format.md) and a schema check for it. Extensions beyond
// the contract: halo, crop, hr.lossless, method, model.budget, split, training, metrics.psnrLrStream, metrics.ssim* (docs/packager.md).
import { MAX_FRAME_SIDE, MAX_PATCHES_PER_FRAME, validateLayout, type PatchTuple } from './patch-layout.js';
import { isSegmentStart, reuseProblem } from './patch-mode.js';

export interface ManifestPath { id: number; patch: [number, number]; blocks: number; channels: number }

export interface PackManifest {
  format: 'dydca-pack/1';
  source: { file: string; sha256: string };
  fps: number;
  frames: number;
  scale: 2 | 3 | 4;
  /** LR context px per side for every patch (src/runtime/engine.ts) */
  halo: number;
  /**
   * The picture in the source: scaled to scaledWidth x scaledHeight (before rotation), then this rectangle. Packs keep
   * the whole picture (x = y = 0, width x height = hr); packs made before that cropped the centre.
   */
  crop: { scaledWidth: number; scaledHeight: number; x: number; y: number; width: number; height: number };
  /**
   * Extensions `playlist` and `segments`: the same stream as CMAF fragmented-MP4 segments behind an HLS media playlist
   * (docs/pack-format.md, "Streaming segments"); absent in packs made before them, which play from `file` alone.
   */
  lr: { width: number; height: number; file: string; codec: string; playlist?: string; segments?: StreamSegments };
  hr: { width: number; height: number; file: string; codec: string; lossless: boolean; playlist?: string; segments?: StreamSegments };
  method: 'dydca' | 'nas' | 'stdo';
  /** baselines: `files[k]` is a single-path model serving path id k; `file` = files[0] */
  /** `budget`: `--max-gflops-per-frame` when the packer sized the paths to it (gflopsPerFrame.max <= it) */
  model: { file: string; files?: string[]; paths: ManifestPath[]; budget?: { maxGflopsPerFrame: number } };
  /**
   * model GFLOP of SR per frame over the clip (src/model/sr-cost.ts); absent in packs made before it. `executed`: the
   * same with the reuse map applied (only mode-0 patches run SR); absent when the layout has no modes.
   */
  gflopsPerFrame?: { mean: number; max: number; executed?: { mean: number; max: number } };
  /**
   * `file`: the whole layout (patches.json). Extension `segments`: the same layout cut into files of `frames` frames
   * each (the last may be shorter), so a player fetches only the part it plays (docs/pack-format.md).
   */
  patches: { file: string; segments?: PatchSegments };
  split: { scorer: 'bicubic' | 'trained'; basePatch: number; levels: number; thresholds: number[] };
  /** `seconds`: wall-clock training time; `trainer`: which trainer ran; `budgetSeconds`: --train-seconds, null when bounded by steps */
  training: { steps: number; batchSize: number; learningRate: number; seconds: number; trainer?: 'ort' | 'tfjs-wasm'; budgetSeconds?: number | null; loss?: 'l1' | 'l2'; cropSampling?: 'error' | 'uniform' };
  metrics: {
    psnrBicubic: number; psnrSR: number; psnrSRPerFrame: number[]; psnrBicubicPerFrame: number[];
    /** PSNR as played with the reuse map (every frame, mean of per-frame PSNR), and per frame; absent without a map */
    psnrSRPlayed?: number; psnrSRPlayedPerFrame?: number[];
    /** the reuse map's quality margin (dB, `--reuse-margin`) */
    reuseMargin?: number;
    /** PSNR of the LR frames decoded from lr.mp4 against the LR frames trained on */
    psnrLrStream: number;
    /** per-frame lists hold every frameStride-th frame (0, k, 2k, ...; absent: every frame): long videos are measured on a sample */
    frameStride?: number;
    /** SSIM on BT.601 luma (src/format/ssim.ts), mean and per frame; absent in packs made before it */
    ssimSR?: number; ssimBicubic?: number; ssimSRPerFrame?: number[]; ssimBicubicPerFrame?: number[];
  };
  /** Extension (--ladder): the HLS master playlist of the renditions' LR media playlists */
  playlist?: string;
  /**
   * Extension (--ladder): every LR rendition of the same HR video, the top-level one included, in rising `lr.bitrate`
   * (docs/pack-format.md, "Bitrate ladder"). Segments are aligned with the top-level ones: same `frames`, same count.
   */
  renditions?: Rendition[];
  /**
   * Extension (--tiers, issue 21): models of falling cost on the same layout and halo, tier 0 being the top-level model
   * (the same values as the top level), so a player runs the richest one its GPU keeps in real time (docs/pack-format.md,
   * "Model tiers"). Absent in packs without tiers, which carry the top-level model only.
   */
  tiers?: PackTier[];
}

/** One model tier: its file and paths, its cost on the pack's layout and its PSNR on the packer's sampled frames. */
export interface PackTier {
  model: { file: string; paths: ManifestPath[] };
  halo: number;
  /** as the top level's: model GFLOP per frame, `executed` with the reuse map applied */
  gflopsPerFrame: { mean: number; max: number; executed?: { mean: number; max: number } };
  metrics: { psnrSR: number; psnrBicubic: number };
  /** training steps and seconds the tier got (its share of the budget: docs/packager.md, "Model tiers") */
  training?: { steps: number; seconds: number };
}

/** One rung of a bitrate ladder: its LR stream, model, layout and metrics; paths relative to the pack folder. */
export interface Rendition {
  scale: 2 | 3 | 4;
  /** `bitrate`: bits per second of the segments on average; `peakBitrate`: of the largest segment (HLS BANDWIDTH) */
  lr: { width: number; height: number; file: string; codec: string; playlist: string; segments: StreamSegments; bitrate: number; peakBitrate: number };
  model: { file: string; paths: ManifestPath[] };
  halo: number;
  patches: { file: string; segments: PatchSegments };
  gflopsPerFrame: { mean: number; max: number };
  /** per LR segment: the mean of the metrics' sampled frames in it (the nearest sampled frame when it holds none) */
  metrics: { psnrSR: number; psnrBicubic: number; psnrSRPerSegment: number[]; psnrBicubicPerSegment: number[] };
}

export interface PatchesFile { frames: PatchTuple[][] }

export interface PatchSegments { frames: number; files: string[] }

/**
 * A stream cut into CMAF segments: `init` (ftyp + moov, no samples) then `files[k]` (moof + mdat) holding frames
 * [k * frames, (k + 1) * frames) (the last may be shorter), each starting with a key frame; `bytes[k]` is the size of
 * `files[k]`, so a player can bound its buffer before fetching. Paths are relative to the pack folder.
 */
export interface StreamSegments { frames: number; init: string; files: string[]; bytes: number[] }

/** One segment file of the patch layout: frames firstFrame .. firstFrame + frames.length - 1. */
export interface PatchSegmentFile { firstFrame: number; frames: PatchesFile['frames'] }

/** Seconds of video per segment the packer writes (LR, HR and patch-layout segments alike). */
export const SEGMENT_SECONDS = 2;

/** Frames per segment at `fps`: SEGMENT_SECONDS of video, at least one frame. */
export function segmentFrames(fps: number): number {
  return Math.max(1, Math.round(SEGMENT_SECONDS * fps));
}

/** Name of segment k of a stream or layout: fixed width, so names sort by segment. */
export const segmentId = (k: number): string => String(k).padStart(5, '0');

/** The segment files of a layout: `frames` per segment, names patches-00000.json, ... */
export function segmentPatches(file: PatchesFile, framesPerSegment: number): { segments: PatchSegments; files: Map<string, PatchSegmentFile> } {
  const files = new Map<string, PatchSegmentFile>();
  for (let first = 0, k = 0; first < file.frames.length; first += framesPerSegment, k++) {
    files.set(`patches-${segmentId(k)}.json`, { firstFrame: first, frames: file.frames.slice(first, first + framesPerSegment) });
  }
  return { segments: { frames: framesPerSegment, files: [...files.keys()] }, files };
}

/**
 * Bounds on what an untrusted manifest may claim, checked before anything is allocated or read from it
 * (exported so the player can show them). Why each:
 */
export const MANIFEST_LIMITS = {
  /** HR frame side: WebGPU's default maxTextureDimension2D, the largest frame every player can hold */
  maxHrSide: MAX_FRAME_SIDE,
  /** LR context px per side; the packer uses <= 4, and each patch is run at (w + 2*halo) x (h + 2*halo) */
  maxHalo: 16,
  /** 6 hours at 24 fps; per-frame lists (metrics, patches.json) are this long */
  maxFrames: 518_400,
  /** patches in one frame (the finest split of a 4096x4096 LR frame at 16 px is 65536) */
  maxPatchesPerFrame: MAX_PATCHES_PER_FRAME,
  /** patches over all frames: what eval and the player hold in memory as rectangles */
  maxTotalPatches: 4_000_000,
  /** bytes of patches.json read before parsing it */
  maxPatchesFileBytes: 64 * 2 ** 20,
  /** bytes of one model file (the packer's are ~1.4 MB) */
  maxModelBytes: 256 * 2 ** 20,
  /** bytes of manifest.json (per-frame metrics included) */
  maxManifestBytes: 32 * 2 ** 20,
  /** per path: residual blocks and conv channels (the packer uses 2..5 and 32) */
  maxBlocks: 64,
  maxChannels: 512,
  maxPaths: 16,
  /** length of a file name the manifest names */
  maxFileName: 128,
  /** model tiers (the packer writes at most 4: each halves the cost of the one above) */
  maxTiers: 4,
} as const;

/**
 * Local rule (`dydca eval`, anything reading a pack from disk): a file the manifest names must be a plain name
 * inside the pack folder: no folder part, no `..`, no absolute path or URL scheme (ffmpeg would fetch
 * `http://...`), nothing hidden, no leading '-' (an ffmpeg option). The packer writes only such names.
 */
export function isPlainFileName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= MANIFEST_LIMITS.maxFileName && /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name);
}

/**
 * Shared rule for the streams' playlists and segments (manifestProblems, for every reader): a path relative to the
 * pack folder, at most 4 parts joined by '/', each a plain file name (so no '..', no absolute path, no URL).
 */
export function isPackPath(name: unknown): name is string {
  if (typeof name !== 'string' || name.length > MANIFEST_LIMITS.maxFileName) return false;
  const parts = name.split('/');
  return parts.length <= 4 && parts.every((p) => isPlainFileName(p));
}

/**
 * Shared rule (manifestProblems, for every reader): a file reference is a non-empty string of bounded length
 * without backslashes or control characters. The player resolves references as URLs under its own origin
 * policy (src/player/pack-loader.ts); readers of a pack on disk add `localFileProblems`.
 */
function isFileReference(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= 2048 && !/[\\\u0000-\u001f\u007f]/.test(name);
}

/** Every file a (schema-valid) manifest names, with where it is named. */
export function namedFiles(m: PackManifest): [where: string, name: string][] {
  return [['lr.file', m.lr.file], ['hr.file', m.hr.file], ['model.file', m.model.file],
    ...(m.model.files ?? []).map((f, i): [string, string] => [`model.files[${i}]`, f]), ['patches.file', m.patches.file],
    ...(m.patches.segments?.files ?? []).map((f, i): [string, string] => [`patches.segments.files[${i}]`, f])];
}

/** A frame's size in pixels. */
export interface FrameSize { width: number; height: number }

/**
 * The size HR frames are coded at: LR x scale, the picture (`hr.width` x `hr.height`) padded on the right and bottom
 * by edge replication. The SR output, hr.mp4 and every HR texture have this size; what is shown and measured is the
 * picture at its top-left.
 */
export function codedHrSize(m: Pick<PackManifest, 'lr' | 'scale'>): FrameSize {
  return { width: m.lr.width * m.scale, height: m.lr.height * m.scale };
}

/** Whether the coded HR size is larger than the picture (the pack is padded). */
export function isPadded(m: Pick<PackManifest, 'lr' | 'hr' | 'scale'>): boolean {
  const coded = codedHrSize(m);
  return coded.width !== m.hr.width || coded.height !== m.hr.height;
}

/** Problems with the files a schema-valid manifest names, for a reader that opens them from the pack folder on disk. */
export function localFileProblems(m: PackManifest): string[] {
  return namedFiles(m).filter(([, name]) => !isPlainFileName(name)).map(([where, name]) =>
    `${where} must be a plain file name inside the pack (letters, digits, . _ -; no folders, '..', '/', '\\', URLs, leading '.' or '-'); got ${quote(name)}`);
}

/**
 * A short quoted value for a message. Numbers JSON cannot hold are written as they are (`-1e309` parses to -Infinity,
 * which JSON.stringify would print as null: "got {"mean":null}" hid what was wrong).
 */
const quote = (v: unknown): string => {
  const t = (JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? `\u0000${x}` : x)) ?? String(v))
    .replace(/"\\u0000(-?Infinity|NaN)"/g, (_m, n: string) => (n === 'NaN' ? 'NaN' : `${n} (a number beyond the float range)`));
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
};

/** Every problem found in an untrusted manifest object (empty when it is valid). Never echoes more than a short quoted value. */
export function manifestProblems(m: unknown): string[] {
  const problems: string[] = [];
  const L = MANIFEST_LIMITS;
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const need = (cond: boolean, what: string): void => { if (!cond) problems.push(what); };
  const intIn = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
  const fileName = (v: unknown, where: string): void => {
    need(isFileReference(v), `${where} must be a file name (1..2048 characters, no backslashes or control characters); got ${quote(v)}`);
  };
  if (!isObj(m)) return ['manifest is not a JSON object'];
  need(m.format === 'dydca-pack/1', `format must be "dydca-pack/1"; got ${quote(m.format)}`);
  need(isObj(m.source) && typeof m.source.file === 'string' && /^[0-9a-f]{64}$/.test(String(m.source.sha256)), `source must be {file, sha256 (64 hex)}; got ${quote(m.source)}`);
  need(typeof m.fps === 'number' && Number.isFinite(m.fps) && m.fps > 0 && m.fps <= 1000, `fps must be a number in (0, 1000]; got ${quote(m.fps)}`);
  need(intIn(m.frames, 1, L.maxFrames), `frames must be an integer in 1..${L.maxFrames}; got ${quote(m.frames)}`);
  need(m.scale === 2 || m.scale === 3 || m.scale === 4, `scale must be 2, 3 or 4; got ${quote(m.scale)}`);
  const scale = m.scale === 2 || m.scale === 3 || m.scale === 4 ? m.scale : 2;
  for (const key of ['lr', 'hr'] as const) {
    const v = m[key];
    const max = key === 'hr' ? L.maxHrSide : Math.floor(L.maxHrSide / scale);
    need(isObj(v) && intIn(v.width, 1, max) && intIn(v.height, 1, max),
      `${key} must be {width, height, file, ...} with width and height integers in 1..${max}${key === 'hr' ? ' (WebGPU\'s default texture limit)' : ` (HR at most ${L.maxHrSide} a side)`}; got ${quote(isObj(v) ? { width: v.width, height: v.height } : v)}`);
    if (isObj(v)) fileName(v.file, `${key}.file`);
    need(isObj(v) && typeof v.codec === 'string' && /^avc1\.[0-9a-fA-F]{6}$/.test(v.codec), `${key}.codec must be an avc1.PPCCLL string; got ${quote(isObj(v) ? v.codec : undefined)}`);
  }
  if (isObj(m.lr) && isObj(m.hr)) {
    // the packer pads the picture (hr) on the right and bottom to the patch grid: LR x scale covers it, by less than the picture
    const fits = (hr: unknown, lr: unknown): boolean => typeof hr === 'number' && typeof lr === 'number' && hr <= lr * scale && lr * scale - hr < hr;
    need(fits(m.hr.width, m.lr.width) && fits(m.hr.height, m.lr.height),
      `hr (the picture, ${quote(m.hr.width)}x${quote(m.hr.height)}) must fit in scale x lr (${quote(m.lr.width)}x${quote(m.lr.height)} x${scale}), padded by less than the picture`);
  }
  for (const key of ['lr', 'hr'] as const) {
    const v = m[key];
    if (isObj(v)) problems.push(...streamSegmentsProblems(key, v, m.frames));
  }
  const model = m.model;
  need(isObj(model) && Array.isArray(model.paths) && model.paths.length > 0 && model.paths.length <= L.maxPaths,
    `model must be {file, paths: [...]} with 1..${L.maxPaths} paths; got ${quote(isObj(model) && Array.isArray(model.paths) ? `${model.paths.length} paths` : model)}`);
  let minSide = Infinity;
  if (isObj(model)) {
    fileName(model.file, 'model.file');
    if (model.files !== undefined) {
      need(Array.isArray(model.files) && model.files.length >= 1 && model.files.length <= L.maxPaths, `model.files must list 1..${L.maxPaths} files; got ${quote(Array.isArray(model.files) ? `${model.files.length} files` : model.files)}`);
      if (Array.isArray(model.files)) model.files.slice(0, L.maxPaths).forEach((f, i) => fileName(f, `model.files[${i}]`));
    }
    if (Array.isArray(model.paths)) {
      const lrW = isObj(m.lr) && Number.isInteger(m.lr.width) ? (m.lr.width as number) : 0;
      const lrH = isObj(m.lr) && Number.isInteger(m.lr.height) ? (m.lr.height as number) : 0;
      model.paths.slice(0, L.maxPaths).forEach((p: unknown, i: number) => {
        const ok = isObj(p) && p.id === i && Array.isArray(p.patch) && p.patch.length === 2 && intIn(p.patch[0], 1, Math.max(1, lrH)) && intIn(p.patch[1], 1, Math.max(1, lrW)) &&
          intIn(p.blocks, 1, L.maxBlocks) && intIn(p.channels, 1, L.maxChannels);
        need(ok, `model.paths[${i}] must be {id: ${i}, patch: [h, w] within the LR frame, blocks 1..${L.maxBlocks}, channels 1..${L.maxChannels}}; got ${quote(p)}`);
        if (ok) minSide = Math.min(minSide, ...(p.patch as number[]));
      });
    }
  }
  if (isObj(m.patches)) {
    fileName(m.patches.file, 'patches.file');
    const seg = m.patches.segments;
    if (seg !== undefined) {
      const files = isObj(seg) && Array.isArray(seg.files) ? seg.files as unknown[] : null;
      const count = isObj(seg) && intIn(seg.frames, 1, L.maxFrames) && intIn(m.frames, 1, L.maxFrames) ? Math.ceil((m.frames as number) / (seg.frames as number)) : -1;
      need(count > 0 && files !== null && files.length === count,
        `patches.segments must be {frames: 1..${L.maxFrames}, files: [one file name per segment of that many frames]}`);
      if (count > 0 && files !== null && files.length === count) files.forEach((f, i) => fileName(f, `patches.segments.files[${i}]`));
    }
    // segments of the streams and of the layout cover the same frames, so one fetch of each serves one range
    const sizes = [['lr.segments', m.lr], ['hr.segments', m.hr], ['patches.segments', m.patches]]
      .map(([where, v]) => [where, isObj(v) && isObj(v.segments) ? v.segments.frames : undefined] as const)
      .filter(([, f]) => f !== undefined);
    need(sizes.every(([, f]) => f === sizes[0][1]), `segments must hold the same frames each; got ${sizes.map(([w, f]) => `${w}.frames ${quote(f)}`).join(', ')}`);
  } else need(false, 'patches must be {file}');
  const gflops = m.gflopsPerFrame;
  if (gflops !== undefined) {
    const ok = isObj(gflops) && typeof gflops.mean === 'number' && typeof gflops.max === 'number' && gflops.mean >= 0 && gflops.max < 1e9
      && gflops.mean <= gflops.max + 1e-4; // each is rounded to 1e-4
    need(ok, `gflopsPerFrame must be {mean, max} with 0 <= mean <= max < 1e9; got ${quote(gflops)}`);
    const ex = isObj(gflops) ? gflops.executed : undefined;
    if (ex !== undefined) {
      need(isObj(ex) && typeof ex.mean === 'number' && typeof ex.max === 'number' && ex.mean >= 0 && ex.max < 1e9 && ex.mean <= ex.max + 1e-4,
        `gflopsPerFrame.executed must be {mean, max} with 0 <= mean <= max < 1e9; got ${quote(ex)}`);
    }
  }
  if (isObj(model) && model.budget !== undefined) {
    const b = model.budget;
    need(isObj(b) && typeof b.maxGflopsPerFrame === 'number' && b.maxGflopsPerFrame > 0 && b.maxGflopsPerFrame < 1e9,
      `model.budget must be {maxGflopsPerFrame: a number in (0, 1e9)}; got ${quote(b)}`);
  }
  need(intIn(m.halo, 0, L.maxHalo), `halo must be an integer in 0..${L.maxHalo}; got ${quote(m.halo)}`);
  if (intIn(m.halo, 0, L.maxHalo) && Number.isFinite(minSide)) {
    need((m.halo as number) === 0 || (m.halo as number) < minSide, `halo ${m.halo} must be smaller than the smallest patch side (${minSide})`);
  }
  const met = m.metrics;
  need(isObj(met) && typeof met.psnrSR === 'number' && typeof met.psnrBicubic === 'number', `metrics must hold psnrSR and psnrBicubic (numbers); got ${quote(isObj(met) ? { psnrSR: met.psnrSR, psnrBicubic: met.psnrBicubic } : met)}`);
  if (isObj(met)) {
    const stride = met.frameStride ?? 1;
    need(intIn(stride, 1, L.maxFrames), `metrics.frameStride must be an integer in 1..${L.maxFrames}; got ${quote(met.frameStride)}`);
    const listed = intIn(m.frames, 1, L.maxFrames) && intIn(stride, 1, L.maxFrames) ? Math.ceil((m.frames as number) / (stride as number)) : -1;
    for (const k of ['psnrSRPerFrame', 'psnrBicubicPerFrame']) {
      need(Array.isArray(met[k]) && (met[k] as unknown[]).length === listed,
        `metrics.${k} must list one PSNR per ${stride === 1 ? 'frame' : `${String(stride)}th frame`} (${listed}); got ${Array.isArray(met[k]) ? (met[k] as unknown[]).length : quote(met[k])}`);
    }
  }
  if (m.playlist !== undefined && !isPackPath(m.playlist)) problems.push(`playlist must be a path inside the pack (parts of letters, digits, . _ - joined by /); got ${quote(m.playlist)}`);
  if (m.renditions !== undefined) problems.push(...renditionsProblems(m));
  if (m.tiers !== undefined) problems.push(...tiersProblems(m));
  return problems;
}

/**
 * Problems with `tiers` of an untrusted manifest: 1..MAX_TIERS tiers in falling cost (mean GFLOP per frame), tier 0
 * naming the top-level model with its halo, each tier's model a path inside the pack with valid paths (the layout's path
 * ids and patch shapes: the same routing), cost and PSNR numbers.
 */
function tiersProblems(m: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const cost = (g: unknown): g is { mean: number; max: number } => isObj(g) && num(g.mean) && num(g.max) && g.mean >= 0 && g.max < 1e9 && g.mean <= g.max + 1e-4;
  const ts = m.tiers;
  if (!Array.isArray(ts) || ts.length < 1 || ts.length > MANIFEST_LIMITS.maxTiers) return [`tiers must list 1..${MANIFEST_LIMITS.maxTiers} tiers; got ${quote(Array.isArray(ts) ? `${ts.length} tiers` : ts)}`];
  const top = isObj(m.model) ? m.model : {};
  const topPaths = Array.isArray(top.paths) ? top.paths as unknown[] : [];
  let lastMean = Infinity;
  ts.forEach((t: unknown, i: number) => {
    const at = `tiers[${i}]`;
    if (!isObj(t)) { problems.push(`${at} must be {model, halo, gflopsPerFrame, metrics}; got ${quote(t)}`); return; }
    const model = t.model;
    const paths = isObj(model) && Array.isArray(model.paths) ? model.paths as unknown[] : null;
    const pathsOk = paths !== null && paths.length === topPaths.length && paths.every((p, id) => isObj(p) && p.id === id && isObj(topPaths[id]) &&
      JSON.stringify(p.patch) === JSON.stringify((topPaths[id] as Record<string, unknown>).patch) &&
      Number.isInteger(p.blocks) && (p.blocks as number) >= 1 && (p.blocks as number) <= MANIFEST_LIMITS.maxBlocks &&
      Number.isInteger(p.channels) && (p.channels as number) >= 1 && (p.channels as number) <= MANIFEST_LIMITS.maxChannels);
    if (!isObj(model) || !isPackPath(model.file) || !pathsOk) {
      problems.push(`${at}.model must be {file (a path inside the pack), paths: the top-level paths' ids and patches, each with blocks 1..${MANIFEST_LIMITS.maxBlocks} and channels 1..${MANIFEST_LIMITS.maxChannels}}; got ${quote(model)}`);
    }
    if (i === 0 && isObj(model) && (model.file !== top.file || JSON.stringify(model.paths) !== JSON.stringify(top.paths))) {
      problems.push(`tiers[0] must be the top-level model (${quote(top.file)} with its paths); got ${quote(model.file)}`);
    }
    // tier 0's numbers are the top level's: a player reading either sees the same pack
    const topCost = m.gflopsPerFrame, topMetrics = m.metrics;
    if (i === 0 && isObj(t.gflopsPerFrame) && isObj(topCost) && (t.gflopsPerFrame.mean !== topCost.mean || t.gflopsPerFrame.max !== topCost.max)) {
      problems.push(`tiers[0].gflopsPerFrame must be the top level's (${quote({ mean: topCost.mean, max: topCost.max })}); got ${quote(t.gflopsPerFrame)}`);
    }
    if (i === 0 && isObj(t.metrics) && isObj(topMetrics) && t.metrics.psnrSR !== topMetrics.psnrSR) {
      problems.push(`tiers[0].metrics.psnrSR must be the top level's (${quote(topMetrics.psnrSR)}); got ${quote(t.metrics.psnrSR)}`);
    }
    if (t.halo !== m.halo) problems.push(`${at}.halo must be the pack's halo (${quote(m.halo)}): the tiers share the layout; got ${quote(t.halo)}`);
    const g = t.gflopsPerFrame;
    if (!cost(g) || (g as Record<string, unknown>).executed !== undefined && !cost((g as Record<string, unknown>).executed)) {
      problems.push(`${at}.gflopsPerFrame must be {mean, max, executed?: {mean, max}} with 0 <= mean <= max < 1e9; got ${quote(g)}`);
    } else {
      if (g.mean >= lastMean) problems.push(`tiers must be in falling cost; ${at} costs ${g.mean} GFLOP per frame (mean) after ${lastMean}`);
      lastMean = g.mean;
    }
    const met = t.metrics;
    if (!isObj(met) || !num(met.psnrSR) || !num(met.psnrBicubic)) problems.push(`${at}.metrics must hold psnrSR and psnrBicubic (numbers); got ${quote(met)}`);
    const tr = t.training;
    if (tr !== undefined && (!isObj(tr) || !Number.isInteger(tr.steps) || (tr.steps as number) < 0 || !num(tr.seconds) || tr.seconds < 0)) {
      problems.push(`${at}.training must be {steps, seconds} (numbers >= 0); got ${quote(tr)}`);
    }
  });
  return problems;
}

/**
 * Problems with `renditions` (--ladder) of an untrusted manifest: 1..3 rungs of distinct valid scales in rising bitrate,
 * each with its LR stream's segments aligned with the top-level ones (same frames per segment, same count), files
 * inside the pack, its model's paths, halo, cost and per-segment metrics.
 */
function renditionsProblems(m: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  const intIn = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const rs = m.renditions;
  if (!Array.isArray(rs) || rs.length < 1 || rs.length > 3) return [`renditions must list 1..3 rungs; got ${quote(Array.isArray(rs) ? `${rs.length} rungs` : rs)}`];
  const top = isObj(m.lr) && isObj(m.lr.segments) ? m.lr.segments : null;
  if (top === null) problems.push('renditions need lr.segments at the top level (the rungs\' segments align with them)');
  const hrW = isObj(m.hr) ? m.hr.width : undefined, hrH = isObj(m.hr) ? m.hr.height : undefined;
  const scales = new Set<unknown>();
  let lastBitrate = -Infinity;
  rs.forEach((r: unknown, i: number) => {
    const at = `renditions[${i}]`;
    if (!isObj(r)) { problems.push(`${at} must be an object`); return; }
    const s = r.scale;
    if (s !== 2 && s !== 3 && s !== 4) problems.push(`${at}.scale must be 2, 3 or 4; got ${quote(s)}`);
    else if (scales.has(s)) problems.push(`${at}.scale ${s} is listed twice`);
    scales.add(s);
    const lr = r.lr;
    if (!isObj(lr)) { problems.push(`${at}.lr must be {width, height, file, codec, playlist, segments, bitrate, peakBitrate}`); return; }
    const scale = typeof s === 'number' ? s : 1;
    const fits = (hr: unknown, v: unknown): boolean => intIn(v, 1, MANIFEST_LIMITS.maxHrSide) && typeof hr === 'number' && hr <= v * scale && v * scale - hr < hr;
    if (!fits(hrW, lr.width) || !fits(hrH, lr.height)) problems.push(`${at}.lr (${quote(lr.width)}x${quote(lr.height)}) x${quote(s)} must cover the picture (hr ${quote(hrW)}x${quote(hrH)}), padded by less than it`);
    if (typeof lr.codec !== 'string' || !/^avc1\.[0-9a-fA-F]{6}$/.test(lr.codec)) problems.push(`${at}.lr.codec must be an avc1.PPCCLL string; got ${quote(lr.codec)}`);
    for (const k of ['file', 'playlist'] as const) if (!isPackPath(lr[k])) problems.push(`${at}.lr.${k} must be a path inside the pack; got ${quote(lr[k])}`);
    if (!num(lr.bitrate) || lr.bitrate <= 0 || !num(lr.peakBitrate) || lr.peakBitrate < lr.bitrate) problems.push(`${at}.lr must hold bitrate > 0 and peakBitrate >= it (bits per second); got ${quote({ bitrate: lr.bitrate, peakBitrate: lr.peakBitrate })}`);
    else {
      if (lr.bitrate <= lastBitrate) problems.push(`renditions must be in rising lr.bitrate; ${at} has ${lr.bitrate} after ${lastBitrate}`);
      lastBitrate = lr.bitrate;
    }
    const segProblems = streamSegmentsProblems('lr', lr, m.frames).map((p) => `${at}.${p}`);
    problems.push(...segProblems);
    const seg = lr.segments;
    if (segProblems.length === 0 && isObj(seg) && top !== null && (seg.frames !== top.frames || (seg.files as unknown[]).length !== (Array.isArray(top.files) ? top.files.length : -1))) {
      problems.push(`${at}.lr.segments must align with lr.segments (${quote(top.frames)} frames each, ${Array.isArray(top.files) ? top.files.length : '?'} segments); got ${quote(seg.frames)} frames, ${(seg.files as unknown[]).length} segments`);
    }
    const count = isObj(seg) && Array.isArray(seg.files) ? seg.files.length : -1;
    const model = r.model;
    if (!isObj(model) || !isPackPath(model.file) || !Array.isArray(model.paths) || model.paths.length < 1 || model.paths.length > MANIFEST_LIMITS.maxPaths ||
      !model.paths.every((p: unknown, id: number) => isObj(p) && p.id === id && Array.isArray(p.patch) && p.patch.length === 2 && p.patch.every((v) => intIn(v, 1, MANIFEST_LIMITS.maxHrSide)) &&
        intIn(p.blocks, 1, MANIFEST_LIMITS.maxBlocks) && intIn(p.channels, 1, MANIFEST_LIMITS.maxChannels))) {
      problems.push(`${at}.model must be {file (a path inside the pack), paths: [{id, patch: [h, w], blocks, channels}, ...]}; got ${quote(model)}`);
    }
    if (!intIn(r.halo, 0, MANIFEST_LIMITS.maxHalo)) problems.push(`${at}.halo must be an integer in 0..${MANIFEST_LIMITS.maxHalo}; got ${quote(r.halo)}`);
    const patches = r.patches;
    if (!isObj(patches) || !isPackPath(patches.file) || !isObj(patches.segments) || patches.segments.frames !== (isObj(seg) ? seg.frames : undefined) ||
      !Array.isArray(patches.segments.files) || patches.segments.files.length !== count || !patches.segments.files.every((f) => isPackPath(f))) {
      problems.push(`${at}.patches must be {file, segments: {frames, files}} aligned with its lr.segments, paths inside the pack`);
    }
    const g = r.gflopsPerFrame;
    if (!isObj(g) || !num(g.mean) || !num(g.max) || g.mean < 0 || g.mean > g.max + 1e-4) problems.push(`${at}.gflopsPerFrame must be {mean, max} with 0 <= mean <= max; got ${quote(g)}`);
    const met = r.metrics;
    if (!isObj(met) || !num(met.psnrSR) || !num(met.psnrBicubic)) problems.push(`${at}.metrics must hold psnrSR and psnrBicubic (numbers); got ${quote(met)}`);
    else for (const k of ['psnrSRPerSegment', 'psnrBicubicPerSegment']) {
      const v = met[k];
      if (!Array.isArray(v) || v.length !== count || !v.every(num)) problems.push(`${at}.metrics.${k} must list one PSNR per LR segment (${count}); got ${quote(Array.isArray(v) ? `${v.length} values` : v)}`);
    }
  });
  if (!scales.has(m.scale)) problems.push(`renditions must include the top-level pack (scale ${quote(m.scale)})`);
  return problems;
}

/** Problems with `<key>.playlist` and `<key>.segments` of an untrusted manifest (none when both are absent). */
function streamSegmentsProblems(key: 'lr' | 'hr', v: Record<string, unknown>, frames: unknown): string[] {
  const problems: string[] = [];
  const L = MANIFEST_LIMITS;
  const pathRule = 'a path inside the pack (parts of letters, digits, . _ - joined by /; no \'..\', no leading \'.\' or \'-\', no URL)';
  if (v.playlist !== undefined && !isPackPath(v.playlist)) problems.push(`${key}.playlist must be ${pathRule}; got ${quote(v.playlist)}`);
  const seg = v.segments;
  if (seg === undefined) return problems;
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  const per = isObj(seg) ? seg.frames : undefined;
  const count = Number.isInteger(per) && (per as number) >= 1 && (per as number) <= L.maxFrames && Number.isInteger(frames) && (frames as number) >= 1
    ? Math.ceil((frames as number) / (per as number)) : -1;
  const files = isObj(seg) && Array.isArray(seg.files) ? seg.files as unknown[] : null;
  const bytes = isObj(seg) && Array.isArray(seg.bytes) ? seg.bytes as unknown[] : null;
  if (count < 0 || files === null || bytes === null || files.length !== count || bytes.length !== count) {
    const got = isObj(seg) ? `frames ${quote(seg.frames)}, ${files?.length ?? 'no'} files, ${bytes?.length ?? 'no'} sizes` : quote(seg);
    problems.push(`${key}.segments must be {frames: 1..${L.maxFrames}, init, files, bytes} with one file and one size per segment of that many frames${count > 0 ? ` (${count})` : ''}; got ${got}`);
    return problems;
  }
  if (!isPackPath((seg as Record<string, unknown>).init)) problems.push(`${key}.segments.init must be ${pathRule}; got ${quote((seg as Record<string, unknown>).init)}`);
  const badFile = files.findIndex((f) => !isPackPath(f));
  if (badFile >= 0) problems.push(`${key}.segments.files[${badFile}] must be ${pathRule}; got ${quote(files[badFile])}`);
  const badSize = bytes.findIndex((b) => !Number.isSafeInteger(b) || (b as number) < 0);
  if (badSize >= 0) problems.push(`${key}.segments.bytes[${badSize}] must be a file size (an integer >= 0); got ${quote(bytes[badSize])}`);
  return problems;
}

/**
 * Checks an untrusted patches.json object against a valid manifest: one list per frame, each tiling the LR
 * frame (validateLayout), within the patch-count bounds, path ids among the model's paths. Returns the
 * first problem, or null. Bounds are checked before the per-pixel tiling check allocates anything.
 */
export function patchesProblem(json: unknown, m: PackManifest): string | null {
  const frames = (json as { frames?: unknown } | null)?.frames;
  if (!Array.isArray(frames)) return 'expected {"frames": [[[x, y, w, h, path], ...], ...]}';
  if (frames.length !== m.frames) return `${frames.length} frames listed; the manifest says ${m.frames}`;
  return framesProblem(frames, m, 0);
}

/** The same checks for segment `index` of a segmented layout (manifest `patches.segments`). */
export function patchSegmentProblem(json: unknown, m: PackManifest, index: number): string | null {
  return patchSegmentHeaderProblem(json, m, index) ?? framesProblem((json as PatchSegmentFile).frames, m, (json as PatchSegmentFile).firstFrame);
}

/**
 * Whether segment `index` says it holds the frames the manifest puts there (its first frame and count); a reader
 * that checks every frame itself (the player, which also matches patch shapes to paths) needs only this.
 */
export function patchSegmentHeaderProblem(json: unknown, m: PackManifest, index: number): string | null {
  const seg = m.patches.segments;
  if (!seg) return 'the manifest lists no patch segments';
  const first = index * seg.frames;
  const want = Math.min(seg.frames, m.frames - first);
  const j = json as { firstFrame?: unknown; frames?: unknown } | null;
  if (!Array.isArray(j?.frames) || j.firstFrame !== first) return `expected {"firstFrame": ${first}, "frames": [...]}`;
  if (j.frames.length !== want) return `${j.frames.length} frames listed; segment ${index} holds ${want}`;
  return null;
}

function framesProblem(frames: unknown[], m: PackManifest, firstFrame: number): string | null {
  const L = MANIFEST_LIMITS;
  const minSide = Math.min(...m.model.paths.map((p) => Math.min(p.patch[0], p.patch[1])));
  // a frame of W x H holds at most this many patches no smaller than the smallest path's (edge cells rounded up)
  const perFrame = Math.min(L.maxPatchesPerFrame, Math.ceil(m.lr.width / minSide) * Math.ceil(m.lr.height / minSide));
  let total = 0;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i] as unknown;
    if (!Array.isArray(f)) return `frame ${firstFrame + i} is not a list of patches`;
    if (f.length > perFrame) return `frame ${firstFrame + i} lists ${f.length} patches; at most ${perFrame} fit a ${m.lr.width}x${m.lr.height} frame`;
    total += f.length;
    if (total > L.maxTotalPatches) return `more than ${L.maxTotalPatches} patches in all`;
  }
  const pathCount = m.model.files?.length ?? m.model.paths.length;
  const segmentFrames = m.patches?.segments?.frames ?? null;
  for (let i = 0; i < frames.length; i++) {
    const bad = validateLayout(frames[i] as PatchTuple[], m.lr.width, m.lr.height);
    if (bad) return `frame ${firstFrame + i}: ${bad.message}`;
    const reuse = reuseProblem(isSegmentStart(firstFrame + i, segmentFrames) || i === 0 ? null : frames[i - 1] as PatchTuple[], frames[i] as PatchTuple[]);
    if (reuse) return `frame ${firstFrame + i}: ${reuse}`;
    const stray = (frames[i] as PatchTuple[]).find((p) => p[4] < 0 || p[4] >= pathCount);
    if (stray) return `frame ${firstFrame + i}: patch path ${stray[4]} is not one of the model's ${pathCount} paths`;
  }
  return null;
}

// Fetches and checks a pack for playback in two steps: openPack (the manifest: enough for the poster frame) and
// loadPackBody (patches.json, every frame tiling the LR frame exactly, and model.onnx, with byte progress);
// errors say which file and what is wrong. Limits are the format's (src/format/manifest.ts MANIFEST_LIMITS).
// It is also where the player's trust policy lives: every file a manifest names must lie in the pack's folder, or on
// an origin the page allowed, and every size is bounded before anything is allocated for it.
import { codedHrSize, isPadded, MANIFEST_LIMITS, manifestProblems, patchSegmentHeaderProblem, type FrameSize, type PackManifest, type PatchSegmentFile } from '../format/manifest.js';
import { validateLayout, type PatchTuple } from '../format/patch-layout.js';
import { isSegmentStart, reuseProblem, tupleMode } from '../format/patch-mode.js';
import type { EngineModel, PatchRect } from '../runtime/engine.js';
import type { NetworkFetcher } from './network-fetcher.js';
import type { SegmentedStream } from './segmented-demuxer.js';

/** What the manifest says: enough to show the poster frame (bicubic) while the rest downloads. */
export interface PackHead {
  manifestUrl: string;
  manifest: PackManifest;
  modelUrl: string;
  patchesUrl: string;
  /** the layout's segment files (manifest extension `patches.segments`), or null: the whole patches.json */
  segmentUrls: string[] | null;
  lrUrl: string;
  hrUrl: string;
  /** the streams as CMAF segments (manifest `lr.segments` / `hr.segments`), or null: the progressive lr.mp4 / hr.mp4 */
  lrSegments: SegmentedStream | null;
  hrSegments: SegmentedStream | null;
  /**
   * The LR renditions of a ladder (manifest `renditions`, rising bitrate), each as a head of its own (its LR stream,
   * layout, model, scale; the same HR), the top level among them; a pack without a ladder is its own one rung.
   */
  rungs: PackHead[];
  /** which of `rungs` is the top level */
  topRung: number;
  /**
   * The model tiers (manifest `tiers`, falling cost), each as a head whose model, halo and cost are the tier's (the
   * same LR stream and layout); tier 0 is the pack itself. A pack without tiers is its own one tier.
   */
  tiers: PackHead[];
}

/** Whether the pack is a bitrate ladder the player streams rung by rung (every rung segmented, as the format requires). */
export function isLadder(head: PackHead): boolean { return head.rungs.length > 1 && head.rungs.every((r) => r.lrSegments !== null); }

export interface LoadedPack extends PackHead {
  model: EngineModel;
}

/** Download progress: what, bytes so far and the total where the server said it (Content-Length). */
export type LoadProgress = (what: string, loaded: number, total: number | null) => void;

export class PackError extends Error {}
/** The request never got an answer (offline, DNS, connection refused or reset, CORS): a network condition. */
export class NetworkError extends PackError {}
/** The server answered with an HTTP error status. */
export class HttpError extends PackError {
  constructor(message: string, readonly status: number) { super(message); }
}

export interface PackPolicy {
  /** origins (besides the page's own, for the manifest) the player may fetch from: the `allowed-origins` attribute */
  allowedOrigins: readonly string[];
  /** the largest texture side the GPU device takes (WebGPU's default limit is 8192) */
  maxTextureSize: number;
}

/** Byte caps per file (the format's): a hostile or broken server must not make the page buffer gigabytes. */
export const maxFileBytes = {
  manifest: MANIFEST_LIMITS.maxManifestBytes, patches: MANIFEST_LIMITS.maxPatchesFileBytes, model: MANIFEST_LIMITS.maxModelBytes,
} as const;
/** Frame rates outside this range are not video (and very low rates overflow the playback timer). */
const fpsRange = [0.01, 1000] as const;

/** Parses the `allowed-origins` attribute: origins separated by spaces or commas, e.g. "https://cdn.example.com". */
export function parseAllowedOrigins(list: string | null | undefined): string[] {
  const out: string[] = [];
  for (const entry of (list ?? '').split(/[\s,]+/).filter(Boolean)) {
    let url: URL;
    try { url = new URL(entry); } catch { url = new URL('invalid:'); }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== entry.replace(/\/$/, '')) {
      throw new PackError(`allowed-origins: "${entry}" is not an origin; write scheme://host[:port], e.g. "https://cdn.example.com", separated by spaces`);
    }
    out.push(url.origin);
  }
  return out;
}

/** The manifest may come from the page's own origin or an allowed one. */
export function checkManifestUrl(manifestUrl: string, policy: Pick<PackPolicy, 'allowedOrigins'>, base = location.href): string {
  let url: URL;
  try { url = new URL(manifestUrl, base); } catch {
    throw new PackError(`The pack URL "${manifestUrl}" is not a valid URL; set src to the URL of a pack's manifest.json`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PackError(`The pack URL ${url.href} is not http(s); set src to the http(s) URL of a pack's manifest.json`);
  }
  if (url.origin !== new URL(base).origin && !policy.allowedOrigins.includes(url.origin)) {
    throw new PackError(`Refused to load the pack ${url.href}: ${url.origin} is another origin than this page's; ` +
      `if you trust it, add it to the player's allowed-origins attribute (allowed-origins="${url.origin}")`);
  }
  return url.href;
}

/**
 * Resolves a file named by the manifest. Same origin as the manifest: it must lie in the manifest's folder or below
 * (no `..` escapes, however spelled). Another origin: only one the page listed in allowed-origins.
 */
export function resolvePackFile(file: string, what: string, manifestUrl: string, policy: Pick<PackPolicy, 'allowedOrigins'>): string {
  const folder = new URL('.', manifestUrl);
  let url: URL;
  try { url = new URL(file, manifestUrl); } catch {
    throw new PackError(`The manifest names the ${what} "${file}", which is not a valid URL; name a file in the pack's folder`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PackError(`Refused the ${what} "${file}": only http(s) files are played (it is ${url.protocol}); name a file in the pack's folder ${folder.href}`);
  }
  if (url.origin === folder.origin) {
    // An encoded slash or backslash is not a path separator to the URL parser but may become one on the server.
    if (!url.pathname.startsWith(folder.pathname) || /%2f|%5c/i.test(url.pathname)) {
      throw new PackError(`Refused the ${what} "${file}": it resolves to ${url.href}, outside the pack's folder ${folder.href}; ` +
        `a pack's files must lie in the folder of its manifest.json or below`);
    }
    return url.href;
  }
  if (!policy.allowedOrigins.includes(url.origin)) {
    throw new PackError(`Refused the ${what} ${url.href}: it is on ${url.origin}, not the pack's origin ${folder.origin}; ` +
      `if the page trusts that origin, add it to the player's allowed-origins attribute (allowed-origins="${url.origin}")`);
  }
  return url.href;
}

/** A fetch whose every failure names the URL, the HTTP status and what to do. */
export async function fetchOk(url: string, what: string, init?: RequestInit): Promise<Response> {
  let response: Response;
  try { response = await fetch(url, init); } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new NetworkError(`Could not fetch the ${what} at ${url}: ${(e as Error).message} (network error, or the server does not allow ` +
      `this page's origin (CORS)); check that the URL is reachable from this page`);
  }
  if (!response.ok) {
    const hint = response.status === 404 ? 'not found; check the pack URL and that the file is in the pack'
      : response.status === 401 || response.status === 403 ? 'access denied; check the server permissions for the pack'
        : response.status >= 500 ? 'server error; try again later or check the server' : 'check the URL';
    void response.body?.cancel();
    throw new HttpError(`Could not load the ${what} at ${url}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} (${hint})`, response.status);
  }
  // No pack file is a web page: this is a site's fallback page standing in for a missing file.
  if (/^text\/html\b/i.test(response.headers.get('content-type') ?? '')) {
    void response.body?.cancel();
    throw new PackError(`The ${what} at ${url} is an HTML page, not the file (HTTP ${response.status}, text/html): the server answers missing files with a page; ` +
      'check that the file is in the pack and the pack URL is right');
  }
  return response;
}

/** Every pack file comes through the player's NetworkFetcher: bounded, retried, counted (bytes and throughput). */
async function fetchJson(url: string, what: string, maxBytes: number, net: NetworkFetcher, onProgress?: LoadProgress): Promise<unknown> {
  const bytes = await net.fetchBytes(url, what, { maxBytes, onProgress });
  const text = new TextDecoder().decode(bytes);
  try { return JSON.parse(text); } catch {
    throw new PackError(`The ${what} at ${url} is not valid JSON`);
  }
}

/**
 * What the player cannot play although the schema accepts it: sizes beyond the GPU's texture limit or outside
 * sane bounds. Checked before patches.json is parsed (its check allocates per LR pixel) and before any GPU allocation.
 */
export function playbackProblems(m: PackManifest, maxTextureSize: number): string[] {
  const problems: string[] = [];
  // the HR textures are the coded size (LR x scale: the picture and its padding), not the picture's
  const sizes: [string, FrameSize][] = [['lr', m.lr], ['hr', m.hr], ...(isPadded(m) ? [['coded HR', codedHrSize(m)] as [string, FrameSize]] : [])];
  for (const [key, { width, height }] of sizes) {
    if (width < 1 || height < 1) problems.push(`${key} frames are ${width}x${height}; they need at least 1x1 pixels`);
    else if (width > maxTextureSize || height > maxTextureSize) {
      problems.push(`${key} frames are ${width}x${height}; this GPU device takes textures up to ${maxTextureSize}px a side. Use a pack with a smaller resolution`);
    }
  }
  if (!(m.fps >= fpsRange[0] && m.fps <= fpsRange[1])) problems.push(`fps ${m.fps} is outside ${fpsRange[0]}..${fpsRange[1]}`);
  m.model.paths.forEach((p, i) => {
    const [h, w] = p.patch;
    if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1 || h > m.lr.height || w > m.lr.width) {
      problems.push(`model.paths[${i}].patch ${JSON.stringify(p.patch)} must be [h, w], whole pixels within the ${m.lr.width}x${m.lr.height} LR frame`);
    }
  });
  return problems;
}

/** Checks patches.json against the manifest; returns the per-frame layouts. */
export function parsePatches(json: unknown, manifest: PackManifest): PatchRect[][] {
  const frames = (json as { frames?: unknown } | null)?.frames;
  if (!Array.isArray(frames)) throw new PackError('Malformed patches.json: expected {"frames": [[[x, y, w, h, path], ...], ...]}');
  if (frames.length !== manifest.frames) throw new PackError(`Malformed patches.json: ${frames.length} frames listed, the manifest says ${manifest.frames}`);
  return parseLayoutFrames(frames, manifest, 0);
}

/** Checks one segment file of a segmented layout (manifest `patches.segments`); returns its frames' layouts. */
export function parsePatchSegment(json: unknown, manifest: PackManifest, index: number, url: string): PatchRect[][] {
  const problem = patchSegmentHeaderProblem(json, manifest, index);
  if (problem) throw new PackError(`Malformed patch layout segment ${url}: ${problem}`);
  const { frames, firstFrame } = json as PatchSegmentFile;
  return parseLayoutFrames(frames, manifest, firstFrame);
}

function parseLayoutFrames(frames: unknown[], manifest: PackManifest, firstFrame: number): PatchRect[][] {
  const paths = manifest.model.paths;
  return frames.map((frame: unknown, n) => {
    const i = firstFrame + n;
    if (!Array.isArray(frame)) throw new PackError(`Bad patch layout in frame ${i}: not a list of patches`);
    const problem = validateLayout(frame as PatchTuple[], manifest.lr.width, manifest.lr.height);
    if (problem) throw new PackError(`Bad patch layout in frame ${i}: ${problem.message}`);
    // the reuse map's rule (a segment's first frame reuses nothing; a reused rect is one of the frame before)
    const reuse = reuseProblem(n === 0 || isSegmentStart(i, manifest.patches.segments?.frames ?? null) ? null : frames[n - 1] as PatchTuple[], frame as PatchTuple[]);
    if (reuse) throw new PackError(`Bad patch layout in frame ${i}: ${reuse}`);
    return (frame as PatchTuple[]).map((t, k) => {
      const [x, y, w, h, path] = t, mode = tupleMode(t);
      if (path < 0 || path >= paths.length) throw new PackError(`Bad patch layout in frame ${i}: path ${path} is not one of the model's ${paths.length} paths`);
      // The model routes by patch shape: a patch of another shape would run on another path than the one listed.
      const [ph, pw] = paths[path].patch;
      if (w !== pw || h !== ph) throw new PackError(`Bad patch layout in frame ${i}: patch ${k} is ${w}x${h} but path ${path} serves ${pw}x${ph} patches`);
      return mode === 0 ? { x, y, w, h, path } : { x, y, w, h, path, mode };
    });
  });
}

/**
 * The packer's per-frame metric lists are its report, not used for playback; they grow with the video's length
 * (a 10-minute pack's are most of its manifest), so the player does not keep them (manifest.json still has them).
 */
function dropPerFrameReport(m: PackManifest): void {
  const metrics = m.metrics as unknown as Record<string, unknown>;
  for (const key of Object.keys(metrics)) if (key.endsWith('PerFrame')) metrics[key] = [];
}

/** The manifest, checked, and the URLs of the files it names (each checked against the trust policy, none fetched). */
export async function openPack(manifestUrl: string, policy: PackPolicy, onProgress: LoadProgress | undefined, net: NetworkFetcher): Promise<PackHead> {
  const absolute = checkManifestUrl(manifestUrl, policy);
  const json = await fetchJson(absolute, 'pack manifest', maxFileBytes.manifest, net, onProgress);
  const problems = manifestProblems(json);
  if (problems.length > 0) throw new PackError(`Malformed manifest ${manifestUrl}: ${problems.join('; ')}`);
  const manifest = json as PackManifest;
  dropPerFrameReport(manifest);
  const unplayable = playbackProblems(manifest, policy.maxTextureSize);
  if (unplayable.length > 0) throw new PackError(`Cannot play the pack ${manifestUrl}: ${unplayable.join('; ')}`);
  // Every file is checked before the first one is fetched: a refused URL is never requested.
  const at = (file: string, what: string): string => resolvePackFile(file, what, absolute, policy);
  const segmented = (m: PackManifest, which: 'lr' | 'hr', what: string): SegmentedStream | null => {
    const s = m[which].segments;
    // LR frames are coded at the size the manifest gives (a ladder's source checks each rung's); HR's is the picture's
    return s ? { what, initUrl: at(s.init, `${what} init segment`), urls: s.files.map((f) => at(f, `${what} segment`)), segments: s, frames: m.frames,
      ...(which === 'lr' ? { width: m.lr.width, height: m.lr.height } : {}) } : null;
  };
  const headOf = (m: PackManifest): PackHead => {
    const lrSegments = segmented(m, 'lr', 'LR video');
    return {
      manifestUrl, manifest: m,
      patchesUrl: at(m.patches.file, 'patch layout'), modelUrl: at(m.model.file, 'model'),
      segmentUrls: m.patches.segments?.files.map((f) => at(f, 'patch layout segment')) ?? null,
      lrUrl: at(m.lr.file, 'LR video'), hrUrl: at(manifest.hr.file, 'HR reference video'),
      lrSegments, hrSegments: segmented(manifest, 'hr', 'HR reference video'), rungs: [], topRung: 0, tiers: [],
    };
  };
  const head = headOf(manifest);
  const renditions = manifest.renditions ?? [];
  const topRung = renditions.findIndex((r) => r.scale === manifest.scale);
  head.rungs = topRung < 0 ? [head] : renditions.map((r, i) => (i === topRung ? head : { ...headOf(rungManifest(manifest, r)), rungs: [], topRung: 0, tiers: [] }));
  head.topRung = Math.max(0, topRung);
  head.tiers = [head, ...(manifest.tiers ?? []).slice(1).map((t) => ({ ...head, manifest: tierManifest(manifest, t), modelUrl: at(t.model.file, 'model tier'), tiers: [] }))];
  return head;
}

/** A model tier as a manifest of its own: the tier's model, halo and cost; the same streams and layout. */
export function tierManifest(m: PackManifest, t: NonNullable<PackManifest['tiers']>[number]): PackManifest {
  return {
    ...m, halo: t.halo, model: { file: t.model.file, paths: t.model.paths }, gflopsPerFrame: { ...t.gflopsPerFrame },
    metrics: { ...m.metrics, psnrSR: t.metrics.psnrSR, psnrBicubic: t.metrics.psnrBicubic },
  } as PackManifest;
}

/** A ladder's rung as a manifest of its own: the rung's LR stream, model, layout, scale and metrics; the same HR. */
export function rungManifest(m: PackManifest, r: NonNullable<PackManifest['renditions']>[number]): PackManifest {
  return {
    ...m, scale: r.scale, halo: r.halo, lr: { ...m.lr, ...r.lr }, model: { ...m.model, file: r.model.file, paths: r.model.paths, files: undefined },
    patches: { ...m.patches, ...r.patches }, gflopsPerFrame: { ...r.gflopsPerFrame },
    metrics: { ...m.metrics, psnrSR: r.metrics.psnrSR, psnrBicubic: r.metrics.psnrBicubic },
  } as PackManifest;
}

/** The model (the layout comes per frame from PatchLayoutSource). */
export async function loadPackBody(head: PackHead, onProgress: LoadProgress | undefined, net: NetworkFetcher): Promise<LoadedPack> {
  const onnx = await net.fetchBytes(head.modelUrl, 'model', { maxBytes: maxFileBytes.model, onProgress });
  return { ...head, model: packModel(head, onnx) };
}

/** What an engine knows of the pack's model: the ONNX bytes (empty for the bicubic engine, which needs none) and its interface. */
export function packModel(head: PackHead, onnx: Uint8Array = new Uint8Array(0)): LoadedPack['model'] {
  const m = head.manifest;
  return { onnx, scale: m.scale, halo: m.halo, paths: m.model.paths.map((p) => ({ id: p.id, patch: p.patch })) };
}

/** patches.json (the whole layout), checked. */
export async function loadWholeLayout(head: PackHead, net: NetworkFetcher, onProgress?: LoadProgress): Promise<PatchRect[][]> {
  return parsePatches(await fetchJson(head.patchesUrl, 'patch layout', maxFileBytes.patches, net, onProgress), head.manifest);
}

/** Segment `index` of a segmented layout, checked. */
export async function loadLayoutSegment(head: PackHead, index: number, net: NetworkFetcher): Promise<PatchRect[][]> {
  const url = head.segmentUrls![index];
  return parsePatchSegment(await fetchJson(url, 'patch layout segment', maxFileBytes.patches, net), head.manifest, index, url);
}

// Ingest: probe a video with ffprobe (which stream, its rotation, pixel aspect ratio and frame timing), plan the frame
// the packer works on (the whole picture, padded right and bottom by edge replication) and the ffmpeg command that
// decodes it as raw RGB. The planning functions are pure; ingestVideo runs them with one ffmpeg child.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeFsError } from './fs-errors.js';
import { MAX_FRAME_SIDE } from '../format/patch-layout.js';
import type { RgbImage } from './bicubic.js';
import { lastErrorLine, readRawFrames, runTool } from './ffmpeg-process.js';
import { sourceIdentity, type SourceIdentity } from './source-identity.js';

/** Degrees counter-clockwise the stored frame is turned to be shown (ffprobe's display-matrix `rotation`). */
export type Rotation = 0 | 90 | 180 | 270;

/** How the source's frames are timed, and the constant rate the packer reads them at. */
export interface FrameTiming {
  /** the output rate as ffmpeg reads it (`25/1`, `30000/1001`) */
  rate: string;
  /** the same rate as a number */
  fps: number;
  /** some frame interval of the source is off the nominal one by more than a quarter */
  variable: boolean;
  /** shortest and longest frame interval seen (ms), or null when fewer than 2 frames were looked at */
  intervalsMs: { min: number; max: number } | null;
  /** where `rate` came from */
  from: 'r_frame_rate' | 'frame intervals' | 'avg_frame_rate' | 'default';
}

export interface VideoProbe {
  /** stored (coded) size of the chosen stream, before rotation and pixel aspect correction */
  width: number; height: number;
  /** the constant rate frames are read at: timing.fps */
  fps: number;
  /** frames the container declares (nb_frames), when the rate is constant; null when unknown or variable */
  frameCount: number | null;
  codec: string;
  durationS: number | null;
  /** the stream read: `-map 0:<streamIndex>` */
  streamIndex: number;
  rotation: Rotation;
  /** sample (pixel) aspect ratio; 1:1 is square */
  sar: { num: number; den: number };
  timing: FrameTiming;
  /** the bytes probed and read (size and mtime at probe time) */
  source: SourceIdentity;
}

/**
 * The frame the packer works on. `scaledWidth x scaledHeight`: the stored frame scaled to square pixels and
 * `--max-width`, before rotation. `picture*`: the whole picture as shown (after rotation), never cropped.
 * `padded*`: the picture padded on the right and bottom by repeating its last column and row, up to multiples of
 * `multiple` (scale x finest patch): the LR frame is then whole finest patches, so the patch grid tiles it exactly,
 * and even, as 4:2:0 H.264 needs. Replicated edges add no new edges for the model or the codec to spend bits on.
 */
export interface FramePlan {
  scaledWidth: number; scaledHeight: number;
  pictureWidth: number; pictureHeight: number;
  paddedWidth: number; paddedHeight: number;
}

/** Where the HR frames come from, in the manifest's terms (`crop`): a crop larger than the scaled size is the padding. */
export interface SourceCrop { scaledWidth: number; scaledHeight: number; x: number; y: number; width: number; height: number }

export interface IngestOptions { start: number; seconds: number | null; maxWidth: number | null; scale: number; multiple: number; minLrSize: number }

/** The time range read, in seconds of the source. */
export interface IngestRange { start: number; seconds: number | null }

export interface IngestResult {
  probe: VideoProbe; plan: FramePlan;
  fps: number;
  /** paddedWidth x paddedHeight each */
  frames: RgbImage[];
  /** problems that did not stop the ingest (a truncated or damaged file, a variable frame rate), one line each */
  warnings: string[];
}

/**
 * User-facing input problem: the CLI prints its message as one line and exits 2. `options` name the
 * PackOptions fields the user can change to fix it; the CLI adds their flag names.
 */
export class InputError extends Error {
  constructor(message: string, readonly options: readonly string[] = []) { super(message); }
}

/** Largest HR frame side: WebGPU's default maxTextureDimension2D, so every browser's player can hold a frame. */
export const MAX_HR_SIDE = MAX_FRAME_SIDE;

/** Packets whose timestamps judge the frame timing: the first of the range (40 s at 25 fps; ffprobe reads their data), not a whole film. */
const TIMING_PACKETS = 1000;

/**
 * The local file a user named, refusing URLs (ffmpeg would fetch them); a `file:` URL is taken as its path.
 * Returns an ffmpeg argument that ffmpeg cannot read as an option or another protocol: `file:<absolute path>`.
 */
export function localVideoFile(file: string): { path: string; ffmpegArg: string } {
  let path = file;
  if (/^file:/i.test(file)) {
    try { path = fileURLToPath(file); } catch { throw new InputError(`${file}: not a valid file: URL`); }
  } else if (/^[a-z][a-z0-9+.-]+:/i.test(file) && !existsSync(file)) {
    throw new InputError(`${file}: only local files can be packed (this looks like a URL); download it first`);
  }
  if (!existsSync(path)) throw new InputError(`${file}: no such file`);
  const st = statSync(path);
  if (!st.isFile()) throw new InputError(`${file}: not a file${st.isDirectory() ? ' (a folder)' : ''}`);
  try { accessSync(path, constants.R_OK); } catch (e) { throw new InputError(`cannot read the input video ${describeFsError(e, file)}`); }
  return { path, ffmpegArg: `file:${resolve(path)}` };
}

/** One stream as ffprobe describes it (the fields the probe reads). */
export interface ProbedStream {
  index: number; codec_type?: string; codec_name?: string; width?: number; height?: number;
  r_frame_rate?: string; avg_frame_rate?: string; nb_frames?: string; duration?: string; sample_aspect_ratio?: string;
  disposition?: { default?: number; attached_pic?: number };
  tags?: { rotate?: string };
  side_data_list?: { rotation?: number }[];
}

/**
 * The video stream to pack: never an attached picture (a cover image is a one-frame "video" stream), the one marked
 * default if any, else the first. null when there is none.
 */
export function chooseVideoStream(streams: readonly ProbedStream[]): ProbedStream | null {
  const videos = streams.filter((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1 && s.width && s.height);
  return videos.find((s) => s.disposition?.default === 1) ?? videos[0] ?? null;
}

/**
 * Rotation to show the stream: the display matrix (ffprobe's `rotation`, counter-clockwise), else the older `rotate`
 * tag (clockwise), rounded to a quarter turn as ffmpeg's own autorotation does.
 */
export function streamRotation(s: ProbedStream): Rotation {
  const matrix = s.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  const tag = Number(s.tags?.rotate);
  const ccw = matrix ?? (Number.isFinite(tag) ? -tag : 0);
  return ((((Math.round(ccw / 90) * 90) % 360) + 360) % 360) as Rotation;
}

export function parseRatio(ratio: string | undefined, sep: '/' | ':'): { num: number; den: number } | null {
  const [num, den] = String(ratio ?? '').split(sep).map(Number);
  return Number.isFinite(num) && Number.isFinite(den) && num > 0 && den > 0 ? { num, den } : null;
}

/**
 * The constant rate to read at, from the stream's `r_frame_rate` and packet timestamps (seconds, any order):
 * the nominal interval is the mean of the intervals within 10% of the most common one (0.1 ms bins). r_frame_rate
 * is kept (exact, e.g. 30000/1001) when it agrees with it within 2%, else the intervals decide. Without timestamps:
 * r_frame_rate, avg_frame_rate, 25. A source is variable when some interval is off the nominal one by more than 25%.
 */
export function frameTiming(rFrameRate: string | undefined, avgFrameRate: string | undefined, pts: readonly number[]): FrameTiming {
  const asRate = (r: string | undefined): { rate: string; fps: number } | null => {
    const q = parseRatio(r, '/');
    return q && q.num / q.den <= 1000 ? { rate: `${q.num}/${q.den}`, fps: q.num / q.den } : null;
  };
  const sorted = [...pts].filter(Number.isFinite).sort((a, b) => a - b);
  const intervals = sorted.slice(1).map((t, i) => t - sorted[i]).filter((d) => d > 0);
  const declared = asRate(rFrameRate);
  if (intervals.length === 0) {
    const avg = asRate(avgFrameRate);
    const chosen = declared ? { ...declared, from: 'r_frame_rate' as const } : avg ? { ...avg, from: 'avg_frame_rate' as const } : { rate: '25/1', fps: 25, from: 'default' as const };
    return { ...chosen, variable: false, intervalsMs: null };
  }
  const bins = new Map<number, number>();
  for (const d of intervals) bins.set(Math.round(d * 1e4), (bins.get(Math.round(d * 1e4)) ?? 0) + 1);
  const modeBin = [...bins.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0] / 1e4;
  const near = intervals.filter((d) => Math.abs(d - modeBin) <= 0.1 * modeBin);
  const nominal = near.reduce((a, b) => a + b, 0) / near.length;
  const min = Math.min(...intervals), max = Math.max(...intervals);
  const variable = min < 0.75 * nominal || max > 1.25 * nominal;
  const intervalsMs = { min: round(min * 1000, 2), max: round(max * 1000, 2) };
  if (declared && Math.abs(declared.fps * nominal - 1) <= 0.02) return { ...declared, from: 'r_frame_rate', variable, intervalsMs };
  const milli = Math.round(1000 / nominal);
  return { rate: `${milli}/1000`, fps: milli / 1000, from: 'frame intervals', variable, intervalsMs };
}

/**
 * Presentation times of the packets read (`pts,dts` lines in decode order, seconds) whose frames all came before the
 * scan ended: those at or before the last decode time. A frame shown at t is decoded at or before t, so none of those
 * is missing, while a scan cut short (a packet cap, a truncated file) ends with reordered B-frames whose neighbours
 * were never read, and would look like a gap in the timing.
 */
export function completeFrameTimes(lines: readonly string[]): number[] {
  const packets = lines.map((l) => l.split(',').map((v) => parseFloat(v))).filter(([pts]) => Number.isFinite(pts));
  const dts = packets.map(([, d]) => d).filter(Number.isFinite);
  const until = dts.length === packets.length && dts.length > 0 ? Math.max(...dts) : Infinity;
  return packets.map(([pts]) => pts).filter((pts) => pts <= until + 1e-9);
}

/**
 * Probes `file` (bytes [0, size at probe time) only; see source-identity.ts): the stream to pack and its size,
 * rotation, pixel aspect ratio and frame timing, judged on the first TIMING_PACKETS packets from `range.start`.
 */
export async function probeVideo(file: string, range: IngestRange = { start: 0, seconds: null }): Promise<VideoProbe> {
  const local = localVideoFile(file);
  const source = sourceIdentity(local.path, local.ffmpegArg);
  const r = await runTool('ffprobe', ['-v', 'error', '-show_entries',
    'stream=index,codec_type,codec_name,width,height,r_frame_rate,avg_frame_rate,nb_frames,duration,sample_aspect_ratio' +
    ':stream_disposition=default,attached_pic:stream_tags=rotate:stream_side_data=rotation:format=duration', '-of', 'json', source.ffmpegInput]);
  // ffmpeg names its input (here the subfile URL) before the cause: the user knows the file by its name
  if (r.code !== 0) throw new InputError(`${basename(file)} is not a video ffmpeg can read (${lastErrorLine(r.stderr).replace(/^.*?:file:[^:]*: /, '')})`);
  const info = JSON.parse(r.stdout.toString()) as { streams?: ProbedStream[]; format?: { duration?: string } };
  const s = chooseVideoStream(info.streams ?? []);
  if (!s) throw new InputError(`${basename(file)} has no video stream${(info.streams ?? []).some((x) => x.disposition?.attached_pic === 1) ? ' (only a cover picture)' : ''}`);
  const packets = await runTool('ffprobe', ['-v', 'error', '-select_streams', String(s.index), '-read_intervals', `${range.start.toFixed(6)}%+#${TIMING_PACKETS}`,
    '-show_entries', 'packet=pts_time,dts_time', '-of', 'csv=p=0', source.ffmpegInput]);
  const pts = packets.code === 0 ? completeFrameTimes(packets.stdout.toString().split('\n')) : [];
  const timing = frameTiming(s.r_frame_rate, s.avg_frame_rate, pts);
  const nb = Number(s.nb_frames);
  const dur = Number(s.duration ?? info.format?.duration);
  return {
    width: Number(s.width), height: Number(s.height), fps: timing.fps, codec: String(s.codec_name),
    frameCount: Number.isFinite(nb) && nb > 0 && !timing.variable ? nb : null,
    durationS: Number.isFinite(dur) && dur > 0 ? dur : null,
    streamIndex: s.index, rotation: streamRotation(s), sar: parseRatio(s.sample_aspect_ratio, ':') ?? { num: 1, den: 1 }, timing, source,
  };
}

/** The line printed when a variable-rate source is read at a constant rate, else null. */
export function timingNote(file: string, probe: VideoProbe): string | null {
  const t = probe.timing;
  if (!t.variable) return null;
  return `${basename(file)} has a variable frame rate (frame intervals ${t.intervalsMs!.min}-${t.intervalsMs!.max} ms); packed at a constant ` +
    `${round(t.fps, 3)} fps, its nominal rate (${t.from === 'r_frame_rate' ? `r_frame_rate ${t.rate}` : 'its most common frame interval'}), repeating or dropping frames to keep their timing`;
}

const even = (v: number): number => Math.max(2, Math.round(v / 2) * 2);

/** The picture as shown, before --max-width: the stored frame in square pixels (width times the SAR), turned. */
function shownSize(probe: VideoProbe): { width: number; height: number; turned: boolean } {
  const turned = probe.rotation === 90 || probe.rotation === 270;
  const squareW = (probe.width * probe.sar.num) / probe.sar.den;
  return turned ? { width: probe.height, height: squareW, turned } : { width: squareW, height: probe.height, turned };
}

/**
 * The frame to pack (see FramePlan): the stored frame made square-pixel by widening or narrowing it (height kept),
 * turned by its rotation, then scaled down to `maxWidth` if wider. A scaled picture has even sides; an unscaled one
 * keeps the source's size exactly (the padding makes the coded frame even).
 */
export function planFrame(probe: VideoProbe, maxWidth: number | null, multiple: number): FramePlan {
  const shown = shownSize(probe);
  let pictureWidth = shown.width, pictureHeight = shown.height;
  if (maxWidth !== null && maxWidth < shown.width) {
    pictureWidth = even(maxWidth);
    pictureHeight = even((shown.height * pictureWidth) / shown.width);
  } else if (probe.sar.num !== probe.sar.den) {
    pictureWidth = even(shown.width);
    pictureHeight = even(shown.height);
  }
  return {
    scaledWidth: shown.turned ? pictureHeight : pictureWidth, scaledHeight: shown.turned ? pictureWidth : pictureHeight,
    pictureWidth, pictureHeight,
    paddedWidth: Math.ceil(pictureWidth / multiple) * multiple, paddedHeight: Math.ceil(pictureHeight / multiple) * multiple,
  };
}

/**
 * ffmpeg's filter chain from the decoded stream to the padded frame: constant rate (`fps`), square pixels and
 * --max-width (`scale`, lanczos), rotation (`transpose`; ffmpeg's autorotation is off so the plan alone decides),
 * then the padding: `pad` fills with a colour, so `fillborders=mode=smear` overwrites it with the last column and
 * row (planar RGB first, so the pad equals the edge pixel exactly, not a 4:2:0 chroma blend of it).
 */
export function ingestFilters(probe: VideoProbe, plan: FramePlan): string[] {
  const filters = [`fps=${probe.timing.rate}`];
  if (plan.scaledWidth !== probe.width || plan.scaledHeight !== probe.height) {
    filters.push(`scale=${plan.scaledWidth}:${plan.scaledHeight}:flags=lanczos+accurate_rnd+full_chroma_int`);
  }
  if (probe.rotation === 90) filters.push('transpose=cclock');
  else if (probe.rotation === 270) filters.push('transpose=clock');
  else if (probe.rotation === 180) filters.push('hflip', 'vflip');
  const padRight = plan.paddedWidth - plan.pictureWidth, padBottom = plan.paddedHeight - plan.pictureHeight;
  if (padRight > 0 || padBottom > 0) {
    filters.push('format=gbrp', `pad=${plan.paddedWidth}:${plan.paddedHeight}:0:0`, `fillborders=left=0:right=${padRight}:top=0:bottom=${padBottom}:mode=smear`);
  }
  filters.push('setsar=1');
  return filters;
}

/**
 * The ffmpeg argv writing the range's frames to stdout as raw rgb24, `paddedWidth x paddedHeight x 3` bytes each, at
 * the constant rate `probe.fps`. The input is `probe.source.ffmpegInput` (the probed bytes of `file:<absolute path>`).
 */
export function ingestFfmpegArgs(probe: VideoProbe, plan: FramePlan, range: IngestRange): string[] {
  const args = ['-v', 'error', '-nostdin', '-noautorotate'];
  // fixed notation: ffmpeg reads neither 1e-9 nor 1e+308 as a duration
  if (range.start > 0) args.push('-ss', range.start.toFixed(6));
  args.push('-i', probe.source.ffmpegInput);
  if (range.seconds !== null) args.push('-t', range.seconds.toFixed(6));
  args.push('-map', `0:${probe.streamIndex}`, '-vf', ingestFilters(probe, plan).join(','), '-fps_mode', 'passthrough',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-sws_flags', 'accurate_rnd+full_chroma_int', 'pipe:1');
  return args;
}

/**
 * Refuses a frame the pack cannot hold, naming the options that fix it: a picture smaller than one `minLrSize` LR
 * patch at `scale` (`--patch`, or `--max-width` when it shrank the picture), or a padded frame over MAX_HR_SIDE.
 * Sizes are the picture as shown (after rotation, in square pixels), as a user sees it in a player.
 */
export function checkFrame(file: string, probe: VideoProbe, plan: FramePlan, opts: { scale: number; minLrSize: number; maxWidth: number | null }): void {
  const need = opts.minLrSize * opts.scale;
  if (plan.pictureWidth < need || plan.pictureHeight < need) {
    const shown = shownSize(probe);
    const shrunk = opts.maxWidth !== null && opts.maxWidth < shown.width;
    const size = `${Math.round(shown.width)}x${Math.round(shown.height)}${shown.turned ? ' (after rotation)' : ''}${probe.sar.num !== probe.sar.den ? ' (in square pixels)' : ''}` +
      `${shrunk ? `, ${plan.pictureWidth}x${plan.pictureHeight} at --max-width ${opts.maxWidth}` : ''}`;
    throw new InputError(`${basename(file)} is ${size}: too small for one ${opts.minLrSize}x${opts.minLrSize} LR patch at x${opts.scale} ` +
      `(needs at least ${need}x${need} px); use a smaller patch${shrunk ? ' or a larger width' : ''}`, shrunk ? ['basePatch', 'maxWidth'] : ['basePatch']);
  }
  if (plan.paddedWidth > MAX_HR_SIDE || plan.paddedHeight > MAX_HR_SIDE) {
    throw new InputError(`${basename(file)} gives HR frames of ${plan.paddedWidth}x${plan.paddedHeight}; the player holds at most ${MAX_HR_SIDE} px a side ` +
      `(WebGPU's default texture limit): scale it down to a width of at most ${Math.floor(MAX_HR_SIDE * Math.min(1, plan.pictureWidth / plan.pictureHeight))}`, ['maxWidth']);
  }
}

export async function ingestVideo(file: string, opts: IngestOptions, onFrame?: (n: number) => void): Promise<IngestResult> {
  const range = { start: opts.start, seconds: opts.seconds };
  const probe = await probeVideo(file, range);
  const plan = planFrame(probe, opts.maxWidth, opts.multiple);
  checkFrame(file, probe, plan, opts);
  if (probe.durationS !== null && opts.start >= probe.durationS) {
    throw new InputError(`${basename(file)} is ${probe.durationS.toFixed(2)} s long; the chosen range starts at ${opts.start} s`, ['start']);
  }
  const expected = expectedFrames(probe, opts.start, opts.seconds);
  const memory = memoryProblem(expected?.count ?? null, plan.paddedWidth, plan.paddedHeight, opts.scale, totalmem());
  if (memory) throw new InputError(`${basename(file)}: ${memory}`, ['seconds', 'maxWidth']);
  const r = await readRawFrames(ingestFfmpegArgs(probe, plan, range), plan.paddedWidth * plan.paddedHeight * 3, onFrame);
  // ffprobe read it, so a failed decode means a damaged file; the first error names the cause, the last its consequence
  if (r.code !== 0) throw new InputError(`${basename(file)}: ffmpeg could not decode it; the file looks truncated or damaged (ffmpeg: ${firstErrorLine(r.stderr)})`);
  if (r.frames.length === 0) {
    if (r.stderr.trim()) throw new InputError(`${basename(file)}: no frame could be decoded; the file looks truncated or damaged (ffmpeg: ${firstErrorLine(r.stderr)})`);
    throw new InputError(`${basename(file)}: no frames in the chosen range (start ${opts.start} s${opts.seconds !== null ? `, ${opts.seconds} s` : ''})`, ['start', 'seconds']);
  }
  const warnings: string[] = [];
  const note = timingNote(file, probe);
  if (note) warnings.push(note);
  const missing = expected === null ? 0 : expected.count - r.frames.length;
  if (missing > (expected?.exact ? 0 : 1)) {
    warnings.push(`${basename(file)} looks truncated or damaged: decoded ${r.frames.length} of the ${expected!.count} frames its container declares for the chosen range` +
      `${r.stderr.trim() ? ` (ffmpeg: ${firstErrorLine(r.stderr)})` : ''}; packing the ${r.frames.length} decoded frames`);
  } else if (r.stderr.trim()) {
    warnings.push(`${basename(file)}: ffmpeg reported decode errors (${firstErrorLine(r.stderr)}); some frames may be damaged`);
  }
  return {
    probe, plan, fps: probe.fps, warnings,
    frames: r.frames.map((data) => ({ width: plan.paddedWidth, height: plan.paddedHeight, data })),
  };
}

/** Frames the container declares for the chosen range; `exact` when it states a frame count for the whole of it. */
export function expectedFrames(probe: Pick<VideoProbe, 'fps' | 'frameCount' | 'durationS'>, start: number, seconds: number | null): { count: number; exact: boolean } | null {
  const total = probe.frameCount ?? (probe.durationS !== null ? Math.round(probe.durationS * probe.fps) : null);
  if (total === null) return null;
  let count = Math.max(0, total - Math.round(start * probe.fps));
  const limit = seconds === null ? Infinity : Math.round(seconds * probe.fps);
  const exact = probe.frameCount !== null && start === 0 && limit >= count;
  count = Math.min(count, limit);
  return { count, exact };
}

/**
 * The packer holds every frame in memory (HR, LR, decoded LR and encoder copies: about 1.6x the HR bytes);
 * refuses a range that would need more than half this machine's memory, before decoding for minutes.
 */
export function memoryProblem(frames: number | null, hrWidth: number, hrHeight: number, scale: number, machineBytes: number): string | null {
  if (frames === null) return null;
  const need = frames * hrWidth * hrHeight * 3 * (1 + 3 / (scale * scale)) * 1.2;
  if (need <= machineBytes / 2) return null;
  const gb = (b: number): string => `${(b / 2 ** 30).toFixed(1)} GB`;
  return `${frames} frames of ${hrWidth}x${hrHeight} need about ${gb(need)} of memory and this machine has ${gb(machineBytes)}: pack a shorter range or a smaller width`;
}

/** The first meaningful line of ffmpeg's stderr (the first decode error, not its consequences). */
export function firstErrorLine(stderr: string): string {
  return stderr.split('\n').map((l) => l.replace(/^\[[^\]]*\]\s*/, '').trim()).find((l) => l.length > 0) ?? 'no message';
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

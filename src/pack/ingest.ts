// Ingest: probe a video with ffprobe, then decode the chosen time range as raw RGB frames over a pipe,
// optionally scaled down first (the scaled source is then the HR ground truth) and centre-cropped.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeFsError } from './fs-errors.js';
import { MAX_FRAME_SIDE } from '../format/patch-layout.js';
import type { RgbImage } from './bicubic.js';
import { lastErrorLine, readRawFrames, runTool } from './ffmpeg-process.js';

export interface VideoProbe { width: number; height: number; fps: number; frameCount: number | null; codec: string; durationS: number | null }

/** Where the HR frames come from in the (scaled) source: scale to `scaledWidth x scaledHeight`, then crop. */
export interface SourceCrop { scaledWidth: number; scaledHeight: number; x: number; y: number; width: number; height: number }

export interface IngestOptions { start: number; seconds: number | null; maxWidth: number | null; scale: number; multiple: number; minLrSize: number }

export interface IngestResult {
  probe: VideoProbe; crop: SourceCrop; fps: number; frames: RgbImage[];
  /** problems that did not stop the ingest (a truncated or damaged file), one line each */
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

export async function probeVideo(file: string): Promise<VideoProbe> {
  const { ffmpegArg } = localVideoFile(file);
  const r = await runTool('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries',
    'stream=width,height,r_frame_rate,avg_frame_rate,nb_frames,codec_name,duration:format=duration', '-of', 'json', ffmpegArg]);
  if (r.code !== 0) throw new InputError(`${basename(file)} is not a video ffmpeg can read (${lastErrorLine(r.stderr)})`);
  const info = JSON.parse(r.stdout.toString()) as { streams?: Record<string, string | number>[]; format?: { duration?: string } };
  const s = info.streams?.[0];
  if (!s || !s.width || !s.height) throw new InputError(`${basename(file)} has no video stream`);
  const fps = parseRate(String(s.avg_frame_rate ?? '')) ?? parseRate(String(s.r_frame_rate ?? '')) ?? 25;
  const nb = Number(s.nb_frames);
  const dur = Number(s.duration ?? info.format?.duration);
  return {
    width: Number(s.width), height: Number(s.height), fps, codec: String(s.codec_name),
    frameCount: Number.isFinite(nb) && nb > 0 ? nb : null,
    durationS: Number.isFinite(dur) && dur > 0 ? dur : null,
  };
}

function parseRate(rate: string): number | null {
  const [n, d] = rate.split('/').map(Number);
  const v = d ? n / d : n;
  return Number.isFinite(v) && v > 0 ? v : null;
}

/**
 * The whole picture and the frame the packer works on. The picture is the source after --max-width (even sides);
 * the padded frame extends it on the right and bottom to a multiple of `multiple` HR px (the patch grid and the
 * codec need it) by repeating the last column and row; players and metrics crop it back to the picture.
 */
export interface FrameGeometry { pictureWidth: number; pictureHeight: number; paddedWidth: number; paddedHeight: number; scaledWidth: number; scaledHeight: number }

export function planFrame(probe: VideoProbe, maxWidth: number | null, multiple: number): FrameGeometry {
  let sw = probe.width, sh = probe.height;
  if (maxWidth !== null && maxWidth < probe.width) {
    sw = Math.max(2, Math.round(maxWidth / 2) * 2);
    sh = Math.max(2, Math.round((probe.height * sw) / probe.width / 2) * 2);
  }
  return {
    pictureWidth: sw, pictureHeight: sh, scaledWidth: sw, scaledHeight: sh,
    paddedWidth: Math.ceil(sw / multiple) * multiple, paddedHeight: Math.ceil(sh / multiple) * multiple,
  };
}

/** Scaled size (even dims) and a centred crop to a multiple of `multiple` HR px. */
export function planCrop(probe: VideoProbe, maxWidth: number | null, multiple: number): SourceCrop {
  let sw = probe.width, sh = probe.height;
  if (maxWidth !== null && maxWidth < probe.width) {
    sw = Math.max(2, Math.round(maxWidth / 2) * 2);
    sh = Math.max(2, Math.round((probe.height * sw) / probe.width / 2) * 2);
  }
  const width = Math.floor(sw / multiple) * multiple;
  const height = Math.floor(sh / multiple) * multiple;
  // even offsets keep chroma siting of 4:2:0 sources aligned
  const x = Math.floor((sw - width) / 4) * 2;
  const y = Math.floor((sh - height) / 4) * 2;
  return { scaledWidth: sw, scaledHeight: sh, x, y, width, height };
}

export async function ingestVideo(file: string, opts: IngestOptions, onFrame?: (n: number) => void): Promise<IngestResult> {
  const probe = await probeVideo(file);
  const crop = planCrop(probe, opts.maxWidth, opts.multiple);
  const lrW = crop.width / opts.scale, lrH = crop.height / opts.scale;
  if (lrW < opts.minLrSize || lrH < opts.minLrSize) {
    throw new InputError(`${basename(file)} is ${crop.scaledWidth}x${crop.scaledHeight}: too small for scale x${opts.scale} ` +
      `(the LR frame must hold one ${opts.minLrSize}x${opts.minLrSize} patch; need at least ${opts.minLrSize * opts.scale}x${opts.minLrSize * opts.scale})`, ['scale']);
  }
  if (crop.width > MAX_HR_SIDE || crop.height > MAX_HR_SIDE) {
    throw new InputError(`${basename(file)} gives HR frames of ${crop.width}x${crop.height}; the player holds at most ${MAX_HR_SIDE} px a side ` +
      `(WebGPU's default texture limit): scale it down to a width of at most ${Math.floor(MAX_HR_SIDE * Math.min(1, crop.width / crop.height))}`, ['maxWidth']);
  }
  if (probe.durationS !== null && opts.start >= probe.durationS) {
    throw new InputError(`${basename(file)} is ${probe.durationS.toFixed(2)} s long; the chosen range starts at ${opts.start} s`, ['start']);
  }
  const expected = expectedFrames(probe, opts.start, opts.seconds);
  const memory = memoryProblem(expected?.count ?? null, crop.width, crop.height, opts.scale, totalmem());
  if (memory) throw new InputError(`${basename(file)}: ${memory}`, ['seconds', 'maxWidth']);
  const filters = [];
  if (crop.scaledWidth !== probe.width || crop.scaledHeight !== probe.height) {
    filters.push(`scale=${crop.scaledWidth}:${crop.scaledHeight}:flags=lanczos+accurate_rnd+full_chroma_int`);
  }
  filters.push(`crop=${crop.width}:${crop.height}:${crop.x}:${crop.y}`);
  const args = ['-v', 'error', '-nostdin'];
  // fixed notation: ffmpeg reads neither 1e-9 nor 1e+308 as a duration
  if (opts.start > 0) args.push('-ss', opts.start.toFixed(6));
  args.push('-i', localVideoFile(file).ffmpegArg);
  if (opts.seconds !== null) args.push('-t', opts.seconds.toFixed(6));
  args.push('-map', '0:v:0', '-vf', filters.join(','), '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-sws_flags', 'accurate_rnd+full_chroma_int', 'pipe:1');
  const r = await readRawFrames(args, crop.width * crop.height * 3, onFrame);
  // ffprobe read it, so a failed decode means a damaged file; the first error names the cause, the last its consequence
  if (r.code !== 0) throw new InputError(`${basename(file)}: ffmpeg could not decode it; the file looks truncated or damaged (ffmpeg: ${firstErrorLine(r.stderr)})`);
  if (r.frames.length === 0) {
    if (r.stderr.trim()) throw new InputError(`${basename(file)}: no frame could be decoded; the file looks truncated or damaged (ffmpeg: ${firstErrorLine(r.stderr)})`);
    throw new InputError(`${basename(file)}: no frames in the chosen range (start ${opts.start} s${opts.seconds !== null ? `, ${opts.seconds} s` : ''})`, ['start', 'seconds']);
  }
  const warnings: string[] = [];
  const missing = expected === null ? 0 : expected.count - r.frames.length;
  if (missing > (expected?.exact ? 0 : 1)) {
    warnings.push(`${basename(file)} looks truncated or damaged: decoded ${r.frames.length} of the ${expected!.count} frames its container declares for the chosen range` +
      `${r.stderr.trim() ? ` (ffmpeg: ${firstErrorLine(r.stderr)})` : ''}; packing the ${r.frames.length} decoded frames`);
  } else if (r.stderr.trim()) {
    warnings.push(`${basename(file)}: ffmpeg reported decode errors (${firstErrorLine(r.stderr)}); some frames may be damaged`);
  }
  return { probe, crop, fps: probe.fps, frames: r.frames.map((data) => ({ width: crop.width, height: crop.height, data })), warnings };
}

/** Frames the container declares for the chosen range; `exact` when it states a frame count for the whole of it. */
export function expectedFrames(probe: VideoProbe, start: number, seconds: number | null): { count: number; exact: boolean } | null {
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

// Ingest: probe a video with ffprobe, then decode the chosen time range as raw RGB frames over a pipe,
// optionally scaled down first (the scaled source is then the HR ground truth) and centre-cropped.
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { RgbImage } from './bicubic.js';
import { lastErrorLine, readRawFrames, runTool } from './ffmpeg-process.js';

export interface VideoProbe { width: number; height: number; fps: number; frameCount: number | null; codec: string; durationS: number | null }

/** Where the HR frames come from in the (scaled) source: scale to `scaledWidth x scaledHeight`, then crop. */
export interface SourceCrop { scaledWidth: number; scaledHeight: number; x: number; y: number; width: number; height: number }

export interface IngestOptions { start: number; seconds: number | null; maxWidth: number | null; scale: number; multiple: number; minLrSize: number }

export interface IngestResult { probe: VideoProbe; crop: SourceCrop; fps: number; frames: RgbImage[] }

/** User-facing input problem: the CLI prints its message as one line and exits non-zero. */
export class InputError extends Error {}

export async function probeVideo(file: string): Promise<VideoProbe> {
  if (!existsSync(file)) throw new InputError(`${file}: no such file`);
  if (!statSync(file).isFile()) throw new InputError(`${file}: not a file`);
  const r = await runTool('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries',
    'stream=width,height,r_frame_rate,avg_frame_rate,nb_frames,codec_name,duration:format=duration', '-of', 'json', file]);
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
      `(the LR frame must hold one ${opts.minLrSize}x${opts.minLrSize} patch; need at least ${opts.minLrSize * opts.scale}x${opts.minLrSize * opts.scale})`);
  }
  const filters = [];
  if (crop.scaledWidth !== probe.width || crop.scaledHeight !== probe.height) {
    filters.push(`scale=${crop.scaledWidth}:${crop.scaledHeight}:flags=lanczos+accurate_rnd+full_chroma_int`);
  }
  filters.push(`crop=${crop.width}:${crop.height}:${crop.x}:${crop.y}`);
  const args = ['-v', 'error', '-nostdin'];
  if (opts.start > 0) args.push('-ss', String(opts.start));
  args.push('-i', file);
  if (opts.seconds !== null) args.push('-t', String(opts.seconds));
  args.push('-map', '0:v:0', '-vf', filters.join(','), '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-sws_flags', 'accurate_rnd+full_chroma_int', 'pipe:1');
  const r = await readRawFrames(args, crop.width * crop.height * 3, onFrame);
  if (r.code !== 0) throw new InputError(`${basename(file)}: ffmpeg could not decode it (${lastErrorLine(r.stderr)})`);
  if (r.frames.length === 0) throw new InputError(`${basename(file)}: no frames in the chosen range (start ${opts.start} s${opts.seconds !== null ? `, ${opts.seconds} s` : ''})`);
  return { probe, crop, fps: probe.fps, frames: r.frames.map((data) => ({ width: crop.width, height: crop.height, data })) };
}

// Reads one chunk of the source video as HR frames (the whole picture, padded to the plan's frame by edge
// replication: ingest.ts's filters) with ffmpeg seeking straight to the chunk: chunks decode independently, on any
// worker, in bounded memory.
import { firstErrorLine, ingestFilters, type FramePlan, type VideoProbe } from './ingest.js';
import type { RgbImage } from './bicubic.js';
import { readRawFrames, runTool } from './ffmpeg-process.js';

/** Where one chunk starts and how many frames it reads. */
export interface SourceChunk {
  probe: VideoProbe;
  frame: FramePlan;
  /** output frame index of the chunk's first frame on the source's constant-rate grid (--start included) */
  firstSourceFrame: number;
  frames: number;
  /** seconds from the container's start to its video stream's first frame */
  videoStartOffset: number;
}

/** Seconds from the container's start time to the video stream's first frame (audio may start earlier). */
export async function videoStartOffset(probe: VideoProbe): Promise<number> {
  const r = await runTool('ffprobe', ['-v', 'error', '-select_streams', String(probe.streamIndex), '-show_entries', 'stream=start_time:format=start_time', '-of', 'json', probe.source.ffmpegInput]);
  if (r.code !== 0) return 0;
  const info = JSON.parse(r.stdout.toString()) as { streams?: { start_time?: string }[]; format?: { start_time?: string } };
  const v = Number(info.streams?.[0]?.start_time), f = Number(info.format?.start_time);
  return Number.isFinite(v) && Number.isFinite(f) ? Math.max(0, v - f) : 0;
}

/**
 * ffmpeg arguments decoding `chunk` as raw RGB of the padded frame. A constant-rate source is seeked a quarter frame
 * before the chunk's first frame: ffmpeg's exact seek (decode from the key frame before, drop earlier frames) starts
 * on that frame, the frame-rate filter then sees it a quarter frame after zero (no rounding tie), and `-frames:v`
 * ends the chunk. A variable-rate source is read from its start and the chunk's frames are cut after the
 * frame-rate filter, so they land on the same output grid as a whole decode (the cost grows with the position).
 */
export function chunkDecodeArgs(chunk: SourceChunk): string[] {
  const { probe } = chunk;
  const args = ['-v', 'error', '-nostdin', '-noautorotate'];
  const filters = ingestFilters(probe, chunk.frame);
  if (!probe.timing.variable) {
    if (chunk.firstSourceFrame > 0) args.push('-ss', ((chunk.firstSourceFrame - 0.25) / probe.fps + chunk.videoStartOffset).toFixed(6));
  } else {
    // after fps=..., before the scaling and padding: frames outside the chunk are dropped before the costly filters
    filters.splice(1, 0, `trim=start_frame=${chunk.firstSourceFrame}:end_frame=${chunk.firstSourceFrame + chunk.frames}`, 'setpts=PTS-STARTPTS');
  }
  args.push('-i', probe.source.ffmpegInput, '-map', `0:${probe.streamIndex}`, '-frames:v', String(chunk.frames), '-vf', filters.join(','),
    '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-sws_flags', 'accurate_rnd+full_chroma_int', 'pipe:1');
  return args;
}

/** The top-left w x h of a pw-wide RGB8 frame (the picture of a padded frame). */
export function cropPicture(frame: Uint8Array, pw: number, w: number, h: number): Uint8Array {
  if (pw === w && frame.length === w * h * 3) return frame;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) out.set(frame.subarray(y * pw * 3, (y * pw + w) * 3), y * w * 3);
  return out;
}

/** `decodeError`: ffmpeg's first error line when it reported any (a damaged or truncated file), else null. */
export interface ChunkFrames { frames: RgbImage[]; decodeError: string | null }

/** Decodes `chunk` into padded HR frames; fewer frames than asked means the source ends (or is damaged) there. */
export async function readSourceChunk(chunk: SourceChunk): Promise<ChunkFrames> {
  const { paddedWidth: w, paddedHeight: h } = chunk.frame;
  const r = await readRawFrames(chunkDecodeArgs(chunk), w * h * 3);
  return { frames: r.frames.map((data) => ({ width: w, height: h, data })), decodeError: r.stderr.trim() ? firstErrorLine(r.stderr) : null };
}

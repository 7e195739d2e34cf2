// Reads one chunk of the source video as HR frames (the picture, padded to the plan's frame by edge replication)
// with ffmpeg seeking straight to the chunk: chunks decode independently, on any worker, in bounded memory.
import type { RgbImage } from './bicubic.js';
import { firstErrorLine, localVideoFile, type FrameGeometry } from './ingest.js';
import { readRawFrames, runTool } from './ffmpeg-process.js';

/** Where one chunk starts and how many frames it reads. */
export interface SourceChunk {
  file: string;
  /** source frame index of the chunk's first frame (on the source's frame grid, --start included) */
  firstSourceFrame: number;
  frames: number;
  fps: number;
  /** seconds from the container's start to its video stream's first frame */
  videoStartOffset: number;
  geometry: FrameGeometry;
}

/** Seconds from the container's start time to the video stream's first frame (audio may start earlier). */
export async function videoStartOffset(file: string): Promise<number> {
  const r = await runTool('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=start_time:format=start_time', '-of', 'json', localVideoFile(file).ffmpegArg]);
  if (r.code !== 0) return 0;
  const info = JSON.parse(r.stdout.toString()) as { streams?: { start_time?: string }[]; format?: { start_time?: string } };
  const v = Number(info.streams?.[0]?.start_time), f = Number(info.format?.start_time);
  return Number.isFinite(v) && Number.isFinite(f) ? Math.max(0, v - f) : 0;
}

/**
 * ffmpeg arguments decoding `chunk` as raw RGB of the picture size. The seek lands half a frame before the chunk's
 * first frame, so ffmpeg's exact seek (decode from the key frame before, drop earlier frames) starts on that frame
 * whatever the rounding of timestamps; `-frames:v` ends it.
 */
export function chunkDecodeArgs(chunk: SourceChunk): string[] {
  const g = chunk.geometry;
  const seek = chunk.firstSourceFrame > 0 ? (chunk.firstSourceFrame - 0.5) / chunk.fps + chunk.videoStartOffset : 0;
  const args = ['-v', 'error', '-nostdin'];
  if (seek > 0) args.push('-ss', seek.toFixed(6));
  args.push('-i', localVideoFile(chunk.file).ffmpegArg, '-map', '0:v:0', '-frames:v', String(chunk.frames));
  const filters: string[] = [];
  if (g.scaledWidth !== g.pictureWidth || g.scaledHeight !== g.pictureHeight) throw new Error('scaled size and picture size differ');
  filters.push(`scale=${g.pictureWidth}:${g.pictureHeight}:flags=lanczos+accurate_rnd+full_chroma_int`);
  args.push('-vf', filters.join(','), '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-sws_flags', 'accurate_rnd+full_chroma_int', 'pipe:1');
  return args;
}

/** The picture (w x h RGB8) padded to pw x ph by repeating its last column and last row. */
export function padEdges(picture: Uint8Array, w: number, h: number, pw: number, ph: number): Uint8Array {
  if (pw === w && ph === h) return picture;
  if (pw < w || ph < h) throw new Error(`cannot pad ${w}x${h} to ${pw}x${ph}`);
  const out = new Uint8Array(pw * ph * 3);
  for (let y = 0; y < ph; y++) {
    const src = Math.min(y, h - 1) * w * 3, dst = y * pw * 3;
    out.set(picture.subarray(src, src + w * 3), dst);
    const r = picture[src + (w - 1) * 3], g = picture[src + (w - 1) * 3 + 1], b = picture[src + (w - 1) * 3 + 2];
    for (let x = w; x < pw; x++) { out[dst + x * 3] = r; out[dst + x * 3 + 1] = g; out[dst + x * 3 + 2] = b; }
  }
  return out;
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
  const g = chunk.geometry;
  const r = await readRawFrames(chunkDecodeArgs(chunk), g.pictureWidth * g.pictureHeight * 3);
  return {
    frames: r.frames.map((data) => ({ width: g.paddedWidth, height: g.paddedHeight, data: padEdges(data, g.pictureWidth, g.pictureHeight, g.paddedWidth, g.paddedHeight) })),
    decodeError: r.stderr.trim() ? firstErrorLine(r.stderr) : null,
  };
}

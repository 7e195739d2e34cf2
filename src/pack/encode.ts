// Encodes RGB frames to H.264 MP4 for WebCodecs (yuv420p, BT.709 tagged, no B-frames, faststart),
// decodes MP4s back to RGB frames, and reads the avc1 codec string from the encoded SPS.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as MP4Box from 'mp4box';
import type { RgbImage } from './bicubic.js';
import { lastErrorLine, readRawFrames, streamRawFrames, writeRawFrames } from './ffmpeg-process.js';

export interface EncodeOptions {
  fps: number; crf: number; preset?: string;
  /** a key frame exactly every this many frames from the first (and no other): the pack's segments start on them */
  keyFrameInterval?: number;
}

/** x264 arguments for a key frame every `n` frames and none elsewhere (no scene-cut key frames, closed GOPs). */
export function keyFrameArgs(n: number): string[] {
  return ['-g', String(n), '-keyint_min', String(n), '-sc_threshold', '0', '-force_key_frames', `expr:eq(mod(n,${n}),0)`];
}

/** BT.709 limited range on both ways, stated explicitly so ffmpeg and browsers convert alike. */
const COLOR_TAGS = ['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'];

export async function encodeH264(frames: RgbImage[], file: string, opts: EncodeOptions): Promise<void> {
  const { width, height } = frames[0];
  const args = ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(opts.fps), '-i', 'pipe:0',
    '-vf', 'scale=out_color_matrix=bt709:out_range=tv:flags=accurate_rnd+full_chroma_int', '-pix_fmt', 'yuv420p',
    '-c:v', 'libx264', '-preset', opts.preset ?? 'medium', '-crf', String(opts.crf),
    // no B-frames: decode order = display order, which keeps WebCodecs feeding simple
    '-bf', '0', ...(opts.keyFrameInterval ? keyFrameArgs(opts.keyFrameInterval) : []), '-fps_mode', 'passthrough', ...COLOR_TAGS, '-movflags', '+faststart', '-an', `file:${resolve(file)}`];
  const r = await writeRawFrames(args, frames.map((f) => f.data));
  if (r.code !== 0) throw new Error(`encoding ${file} failed: ${lastErrorLine(r.stderr)}`);
}

/** ffmpeg arguments decoding one of our MP4s (BT.709 limited range, as encodeH264 writes them) to raw RGB. */
function decodeArgs(file: string): string[] {
  // `file:` + absolute path: a name starting with '-' or holding a scheme is never read as an option or a URL
  return ['-v', 'error', '-nostdin', '-i', `file:${resolve(file)}`, '-map', '0:v:0', '-fps_mode', 'passthrough',
    '-vf', 'scale=in_color_matrix=bt709:in_range=tv:flags=accurate_rnd+full_chroma_int', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
}

/** The frames of `file` one at a time (bounded memory for any length). */
export async function* streamRgb(file: string, width: number, height: number): AsyncGenerator<RgbImage> {
  for await (const data of streamRawFrames(decodeArgs(file), width * height * 3)) yield { width, height, data };
}

export async function decodeToRgb(file: string, width: number, height: number): Promise<RgbImage[]> {
  const r = await readRawFrames(decodeArgs(file), width * height * 3);
  if (r.code !== 0) throw new Error(`decoding ${file} failed: ${lastErrorLine(r.stderr)}`);
  return r.frames.map((data) => ({ width, height, data }));
}

interface Mp4Info { videoTracks: { codec: string }[] }
interface Mp4File { onReady: (info: Mp4Info) => void; onError: (e: string) => void; appendBuffer(b: ArrayBuffer & { fileStart: number }): number; flush(): void }

/** The `avc1.PPCCLL` codec string WebCodecs needs, from the MP4's avcC (profile, constraints, level). */
export function readCodecString(file: string): string {
  const bytes = readFileSync(file);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer & { fileStart: number };
  buf.fileStart = 0;
  const mp4 = (MP4Box as unknown as { createFile(): Mp4File }).createFile();
  let codec: string | null = null;
  let error: string | null = null;
  mp4.onReady = (info) => { codec = info.videoTracks[0]?.codec ?? null; };
  mp4.onError = (e) => { error = e; };
  mp4.appendBuffer(buf);
  mp4.flush();
  if (!codec) throw new Error(`no video track codec in ${file}${error ? `: ${error}` : ''}`);
  return codec;
}

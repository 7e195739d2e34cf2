// A pack's stream (lr.mp4 or hr.mp4, a key frame at every segment's first frame) cut into CMAF segments behind an HLS
// media playlist: ffmpeg's hls muxer copies the coded frames (no re-encoding), then every segment is checked from its
// boxes (frames, key frame first, decode time) and the playlist is written from the frame counts.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { segmentSequenceCheck } from '../format/cmaf-fragment.js';
import { segmentId, type StreamSegments } from '../format/manifest.js';
import { lastErrorLine, runTool } from './ffmpeg-process.js';

/** Frames of each segment of a `frames`-frame stream cut every `per` frames (the last may be shorter). */
export function segmentLengths(frames: number, per: number): number[] {
  return Array.from({ length: Math.ceil(frames / per) }, (_, k) => Math.min(per, frames - k * per));
}

/** Seconds as an HLS decimal: 6 places, trailing zeros kept (as ffmpeg writes them). */
const seconds = (s: number): string => s.toFixed(6);

/**
 * The HLS media playlist (RFC 8216, version 7 for the fMP4 init map) of segments `files` holding `lengths` frames each at
 * `fps`, after the init segment `init`; paths as the playlist names them (relative to it).
 */
export function mediaPlaylist(fps: number, lengths: number[], init: string, files: string[]): string {
  const durations = lengths.map((n) => n / fps);
  // each EXTINF rounded to the nearest integer must not exceed the target duration; ceil also satisfies older players
  const target = Math.max(1, ...durations.map((d) => Math.ceil(d - 1e-6)));
  return ['#EXTM3U', '#EXT-X-VERSION:7', `#EXT-X-TARGETDURATION:${target}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-INDEPENDENT-SEGMENTS', `#EXT-X-MAP:URI="${init}"`,
    ...files.flatMap((f, k) => [`#EXTINF:${seconds(durations[k])},`, f]), '#EXT-X-ENDLIST', ''].join('\n');
}

/** The init segment and the segments an HLS media playlist lists, in order (URIs as written; comments and tags skipped). */
export function playlistSegments(text: string): { init: string | null; files: string[] } {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const map = lines.find((l) => l.startsWith('#EXT-X-MAP:'));
  return { init: map ? /URI="([^"]*)"/.exec(map)?.[1] ?? null : null, files: lines.filter((l) => !l.startsWith('#')) };
}

/**
 * Cuts `stream` (in pack folder `dir`) into `<name>/init.mp4` and `<name>/00000.m4s`, ... of `per` frames each and writes
 * `<name>.m3u8`; returns the manifest's `segments`. Throws when a segment does not hold the frames planned for it (a key
 * frame missing where the encoder was told to put one).
 */
export async function cutStreamSegments(stream: string, dir: string, name: string, frames: number, per: number, fps: number): Promise<StreamSegments> {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  const scratch = join(folder, 'ffmpeg.m3u8');
  // hls_time half a frame short of a segment: the cut lands on the key frame that starts the next segment, whatever the
  // rounding. Run in the folder with relative names: the segment name is a pattern, which a '%' in the pack's path would break
  const r = await runTool('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-i', `file:${stream}`, '-map', '0:v:0', '-c', 'copy',
    '-f', 'hls', '-hls_time', seconds((per - 0.5) / fps), '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4',
    '-hls_segment_filename', '%05d.m4s', '-hls_playlist_type', 'vod', '-hls_list_size', '0', 'ffmpeg.m3u8'], undefined, folder);
  if (r.code !== 0) throw new Error(`cutting ${stream} into segments failed: ${lastErrorLine(r.stderr)}`);
  rmSync(scratch, { force: true });
  const lengths = segmentLengths(frames, per);
  const files = lengths.map((_, k) => `${name}/${segmentId(k)}.m4s`);
  const written = readdirSync(folder).filter((f) => f.endsWith('.m4s')).length;
  if (written !== files.length) throw new Error(`cutting ${stream} into segments of ${per} frames gave ${written} segments; expected ${files.length}`);
  const check = segmentSequenceCheck();
  files.forEach((f, k) => {
    const problem = check(readFileSync(join(dir, f)), lengths[k]);
    if (problem) throw new Error(`cutting ${stream} into segments of ${per} frames: ${f} ${problem}`);
  });
  writeFileSync(join(dir, `${name}.m3u8`), mediaPlaylist(fps, lengths, `${name}/init.mp4`, files));
  return { frames: per, init: `${name}/init.mp4`, files, bytes: files.map((f) => statSync(join(dir, f)).size) };
}

// --ladder: a bitrate ladder of LR renditions of the same HR video, each with its own patch layout and model. The
// top-level pack is the first rung (the smallest scale) exactly as without a ladder; every other rung's jobs run in the
// same graph (job-graph.ts) and its `finish-r<scale>` job packs it into `r<scale>/pack` of the work folder; the
// top-level finish job then copies each rung's LR stream, segments, model and layout into `r<scale>/` of the pack and
// writes `renditions` and the HLS master playlist (docs/packager.md, "Bitrate ladder").
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackManifest, Rendition, StreamSegments } from '../format/manifest.js';
import { mean } from '../format/psnr.js';

/** A rung packed by its own jobs (`finish-r<scale>`): its scale and its pack folder in the work folder. */
export interface LadderRungPack { scale: 2 | 3 | 4; dir: string }

/** Mean bits per second of a stream's segments, and of its largest one (the last segment by its own length). */
export function segmentBitrates(seg: StreamSegments, frames: number, fps: number): { bitrate: number; peakBitrate: number } {
  const total = seg.bytes.reduce((a, b) => a + b, 0);
  const peak = Math.max(...seg.bytes.map((b, k) => (b * 8 * fps) / Math.min(seg.frames, frames - k * seg.frames)));
  return { bitrate: Math.round((total * 8 * fps) / frames), peakBitrate: Math.round(peak) };
}

/**
 * Per segment of `per` frames: the mean of the per-frame values listed every `stride`-th frame (0, stride, ...); a
 * segment holding no listed frame takes the listed frame nearest its middle.
 */
export function perSegment(values: number[], stride: number, frames: number, per: number): number[] {
  const out: number[] = [];
  for (let first = 0; first < frames; first += per) {
    const end = Math.min(frames, first + per);
    const inside = values.filter((_, i) => i * stride >= first && i * stride < end);
    const mid = (first + end - 1) / 2;
    const near = values.length === 0 ? NaN : values[Math.min(values.length - 1, Math.max(0, Math.round(mid / stride)))];
    out.push(Math.round((inside.length > 0 ? mean(inside) : near) * 1000) / 1000);
  }
  return out;
}

/** The rendition of a pack's manifest, its files prefixed with `prefix` ('' for the top level, 'r4/' for a rung). */
export function renditionOf(m: PackManifest, prefix: string): Rendition {
  const lr = m.lr, seg = lr.segments!, pseg = m.patches.segments!;
  const stride = m.metrics.frameStride ?? 1;
  return {
    scale: m.scale,
    lr: { width: lr.width, height: lr.height, file: prefix + lr.file, codec: lr.codec, playlist: prefix + lr.playlist!,
      segments: { frames: seg.frames, init: prefix + seg.init, files: seg.files.map((f) => prefix + f), bytes: seg.bytes }, ...segmentBitrates(seg, m.frames, m.fps) },
    model: { file: prefix + m.model.file, paths: m.model.paths },
    halo: m.halo,
    patches: { file: prefix + m.patches.file, segments: { frames: pseg.frames, files: pseg.files.map((f) => prefix + f) } },
    gflopsPerFrame: m.gflopsPerFrame!,
    metrics: { psnrSR: m.metrics.psnrSR, psnrBicubic: m.metrics.psnrBicubic,
      psnrSRPerSegment: perSegment(m.metrics.psnrSRPerFrame, stride, m.frames, seg.frames),
      psnrBicubicPerSegment: perSegment(m.metrics.psnrBicubicPerFrame, stride, m.frames, seg.frames) },
  };
}

/** The HLS master playlist (RFC 8216 4.3.4.2) of the renditions' LR media playlists, in the order given. */
export function masterPlaylist(renditions: Rendition[]): string {
  return ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS',
    ...renditions.flatMap((r) => [`#EXT-X-STREAM-INF:BANDWIDTH=${r.lr.peakBitrate},AVERAGE-BANDWIDTH=${r.lr.bitrate},RESOLUTION=${r.lr.width}x${r.lr.height},CODECS="${r.lr.codec}"`, r.lr.playlist]),
    ''].join('\n');
}

/**
 * Copies each rung's LR stream (file, playlist, segments), model and layout into `r<scale>/` of the pack being written
 * at `dir`, and adds `renditions` (the top level's first) and `playlist` (master.m3u8, written) to `manifest`.
 * Returns the bytes copied per rung.
 */
export function addRenditions(dir: string, manifest: PackManifest, rungs: LadderRungPack[]): Record<string, number> {
  const all: Rendition[] = [renditionOf(manifest, '')];
  const bytes: Record<string, number> = {};
  for (const rung of rungs) {
    const m = JSON.parse(readFileSync(join(rung.dir, 'manifest.json'), 'utf8')) as PackManifest;
    const seg = m.lr.segments!, ours = manifest.lr.segments!;
    if (m.frames !== manifest.frames || seg.frames !== ours.frames || seg.files.length !== ours.files.length) {
      throw new Error(`rung x${rung.scale} (${rung.dir}) holds ${m.frames} frames in segments of ${seg.frames}; the pack ${manifest.frames} in segments of ${ours.frames}`);
    }
    const prefix = `r${rung.scale}/`;
    const sub = join(dir, `r${rung.scale}`);
    mkdirSync(sub, { recursive: true });
    const files = [m.lr.file, m.lr.playlist!, m.model.file, m.patches.file, ...m.patches.segments!.files];
    for (const f of files) cpSync(join(rung.dir, f), join(sub, f));
    cpSync(join(rung.dir, 'lr'), join(sub, 'lr'), { recursive: true });
    const r = renditionOf(m, prefix);
    bytes[`${prefix} (rung x${rung.scale}: LR, model, layout)`] = [m.lr.file, m.model.file, m.patches.file].reduce((n, f) => n + readFileSync(join(sub, f)).length, 0) + seg.bytes.reduce((a, b) => a + b, 0);
    all.push(r);
  }
  all.sort((a, b) => a.lr.bitrate - b.lr.bitrate);
  manifest.renditions = all;
  manifest.playlist = 'master.m3u8';
  writeFileSync(join(dir, 'master.m3u8'), masterPlaylist(all));
  return bytes;
}

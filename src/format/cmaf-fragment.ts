// Reads what a CMAF media segment (styp? sidx? moof mdat ...) says about its samples, from its boxes alone:
// how many, whether the first is a key frame, its base decode time; and a check of a sequence of them. The packer
// checks the segments it cut with it and `dydca eval` checks a pack's segments, without decoding them.

export interface FragmentSummary {
  /** samples in all of the segment's `trun` boxes */
  samples: number;
  /** the first sample is a sync sample (a key frame); null when its flags come from the init segment's `trex` */
  firstIsKey: boolean | null;
  /** `tfdt` of the first fragment, in the track's timescale; null without one */
  baseDecodeTime: number | null;
  /** summed sample durations (trun or tfhd defaults); null when they come from `trex` */
  duration: number | null;
}

/** `sample_is_non_sync_sample` in sample flags (ISO/IEC 14496-12, 8.8.3.1). */
const NON_SYNC = 0x10000;

interface Box { type: string; start: number; end: number }

function* boxes(b: Uint8Array, start: number, end: number): Generator<Box> {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let o = start; o + 8 <= end;) {
    let size = v.getUint32(o);
    let header = 8;
    if (size === 1) {
      if (o + 16 > end) throw new Error(`the box at byte ${o} is cut short`);
      size = Number(v.getBigUint64(o + 8));
      header = 16;
    } else if (size === 0) size = end - o;
    if (size < header || o + size > end) throw new Error(`a box at byte ${o} claims ${size} bytes; ${end - o} are left`);
    yield { type: String.fromCharCode(b[o + 4], b[o + 5], b[o + 6], b[o + 7]), start: o + header, end: o + size };
    o += size;
  }
}

/** What a media segment's `moof` boxes say; throws on a segment whose boxes do not fit its bytes or that has no `moof`. */
export function summarizeFragment(bytes: Uint8Array): FragmentSummary {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: FragmentSummary = { samples: 0, firstIsKey: null, baseDecodeTime: null, duration: 0 };
  let moofs = 0;
  for (const moof of boxes(bytes, 0, bytes.length)) {
    if (moof.type !== 'moof') continue;
    moofs++;
    for (const traf of boxes(bytes, moof.start, moof.end)) {
      if (traf.type !== 'traf') continue;
      let defaultFlags: number | null = null;
      let defaultDuration: number | null = null;
      for (const b of boxes(bytes, traf.start, traf.end)) {
        const flags = v.getUint32(b.start) & 0xffffff;
        if (b.type === 'tfhd') {
          // track_ID, then the optional fields in flag order
          let o = b.start + 8;
          if (flags & 0x1) o += 8; // base_data_offset
          if (flags & 0x2) o += 4; // sample_description_index
          if (flags & 0x8) { defaultDuration = v.getUint32(o); o += 4; }
          if (flags & 0x10) o += 4; // default_sample_size
          if (flags & 0x20) defaultFlags = v.getUint32(o);
        } else if (b.type === 'tfdt' && out.baseDecodeTime === null) {
          out.baseDecodeTime = v.getUint8(b.start) === 1 ? Number(v.getBigUint64(b.start + 4)) : v.getUint32(b.start + 4);
        } else if (b.type === 'trun') {
          const count = v.getUint32(b.start + 4);
          let o = b.start + 8;
          if (flags & 0x1) o += 4; // data_offset
          let firstFlags: number | null = null;
          if (flags & 0x4) { firstFlags = v.getUint32(o); o += 4; }
          const perSample = [0x100, 0x200, 0x400, 0x800].filter((f) => flags & f).length * 4;
          if (o + count * perSample > b.end) throw new Error(`a trun box lists ${count} samples in ${b.end - b.start} bytes`);
          for (let i = 0; i < count; i++) {
            let p = o + i * perSample;
            const d = flags & 0x100 ? v.getUint32(p) : defaultDuration;
            out.duration = out.duration === null || d === null ? null : out.duration + d;
            if (flags & 0x100) p += 4;
            if (flags & 0x200) p += 4;
            if (flags & 0x400 && i === 0 && firstFlags === null) firstFlags = v.getUint32(p);
          }
          firstFlags ??= defaultFlags;
          if (out.samples === 0 && count > 0 && firstFlags !== null) out.firstIsKey = (firstFlags & NON_SYNC) === 0;
          out.samples += count;
        }
      }
    }
  }
  if (moofs === 0) throw new Error('no moof box (an init segment, or not MP4 at all)');
  return out;
}

/**
 * Checks a stream's media segments in order, each against the frames it should hold: a sequence of segments must
 * each start with a key frame and continue the decode time of the one before, from 0. Returns, per segment, its
 * first problem (a phrase following the segment's name) or null.
 */
export function segmentSequenceCheck(): (bytes: Uint8Array, frames: number) => string | null {
  // null once a segment's durations come from the init segment (not read here): continuity is no longer checked
  let decodeTime: number | null = 0;
  return (bytes, frames) => {
    let s: FragmentSummary;
    try { s = summarizeFragment(bytes); } catch (e) { return `is not a fragmented-MP4 media segment: ${(e as Error).message}`; }
    if (s.samples !== frames) return `holds ${s.samples} frames; expected ${frames}`;
    if (s.firstIsKey === false) return 'does not start with a key frame';
    if (decodeTime !== null && s.baseDecodeTime !== null && s.baseDecodeTime !== decodeTime) {
      return `starts at decode time ${s.baseDecodeTime}; the segments before it end at ${decodeTime}`;
    }
    decodeTime = decodeTime === null || s.duration === null ? null : decodeTime + s.duration;
    return null;
  };
}

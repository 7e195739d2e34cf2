// Which segments of a stream to hold and fetch, from where playback is (Shaka Player's buffering goals, ahead and
// behind): segments ahead up to a goal in seconds and in bytes, one behind for short seeks back, nothing else. Pure.

export interface BufferGoals {
  /** video ahead of the furthest playhead to hold, seconds */
  aheadSeconds: number;
  /** bytes ahead to hold at most (a high-bitrate stream holds fewer seconds) */
  aheadBytes: number;
  /** segments kept behind the nearest playhead (a step or a short seek back needs no fetch) */
  behindSegments: number;
}

export const BUFFER_GOALS: BufferGoals = { aheadSeconds: 20, aheadBytes: 48 << 20, behindSegments: 1 };

export interface SegmentSize { frames: number; bytes: number }

/**
 * For the lanes decoding the stream, at segments `heads` (the lane that asked last first): the segments to keep
 * and those to fetch in the order needed: every lane's own segment first, then ahead of each, lane by lane. Lanes
 * far apart (one left behind by a seek) each get their own window, not everything between them.
 */
export function bufferPlanForLanes(segments: SegmentSize[], fps: number, heads: number[], goals: BufferGoals): { keep: Set<number>; fetch: number[] } {
  const keep = new Set<number>();
  const fetch: number[] = [];
  const plans = heads.map((h) => bufferPlan(segments, fps, h, h, goals));
  for (const h of heads) if (h < segments.length && !fetch.includes(h)) fetch.push(h);
  for (const p of plans) {
    for (const k of p.keep) keep.add(k);
    for (const k of p.fetch) if (!fetch.includes(k)) fetch.push(k);
  }
  return { keep, fetch };
}

/**
 * For playheads in segments `first` .. `last`: the segments to keep, and those to fetch in the order needed (the
 * playheads' own first, then ahead). Segment `last` and the one after it are always wanted, whatever the goals
 * say: the decoder reads a few frames past the playhead.
 */
export function bufferPlan(segments: SegmentSize[], fps: number, first: number, last: number, goals: BufferGoals): { keep: Set<number>; fetch: number[] } {
  const keep = new Set<number>();
  const fetch: number[] = [];
  for (let k = Math.max(0, first - goals.behindSegments); k < first; k++) keep.add(k);
  for (let k = first; k <= last && k < segments.length; k++) { keep.add(k); fetch.push(k); }
  let seconds = 0, bytes = 0;
  for (let k = last + 1; k < segments.length; k++) {
    const s = segments[k];
    if (k > last + 1 && (seconds + s.frames / fps > goals.aheadSeconds || bytes + s.bytes > goals.aheadBytes)) break;
    seconds += s.frames / fps;
    bytes += s.bytes;
    keep.add(k);
    fetch.push(k);
  }
  return { keep, fetch };
}

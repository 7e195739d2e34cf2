// summarizeFragment: media segments built box by box (the flag combinations muxers write) and one that lies.
import { describe, expect, it } from 'vitest';
import { segmentSequenceCheck, summarizeFragment, type FragmentSummary } from './cmaf-fragment.js';

const u32 = (n: number): number[] => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const box = (type: string, ...body: number[][]): number[] => {
  const content = body.flat();
  return [...u32(8 + content.length), ...[...type].map((c) => c.charCodeAt(0)), ...content];
};
const full = (version: number, flags: number): number[] => [version, (flags >>> 16) & 255, (flags >>> 8) & 255, flags & 255];
const KEY = 0x02000000, NON_KEY = 0x01010000;

/** moof > traf > tfhd (+ defaults), tfdt v1, trun with the given flags and per-sample fields. */
function segment(o: { tfhdFlags?: number; tfhdFields?: number[]; tfdt?: number; trunFlags: number; first?: number; samples: number[][] }): Uint8Array {
  const tfhd = box('tfhd', full(0, o.tfhdFlags ?? 0), u32(1), ...(o.tfhdFields ?? []).map(u32));
  const tfdt = o.tfdt === undefined ? [] : box('tfdt', full(1, 0), u32(0), u32(o.tfdt));
  const trun = box('trun', full(0, o.trunFlags), u32(o.samples.length), ...(o.trunFlags & 1 ? [u32(0)] : []), ...(o.first !== undefined ? [u32(o.first)] : []),
    ...o.samples.map((s) => s.flatMap(u32)));
  return new Uint8Array([...box('styp', [0, 0, 0, 0]), ...box('moof', box('mfhd', full(0, 0), u32(1)), box('traf', tfhd, tfdt, trun)), ...box('mdat', [1, 2, 3])]);
}

describe('summarizeFragment', () => {
  it.each<[string, Uint8Array, FragmentSummary]>([
    // ffmpeg's mov muxer: durations and sizes per sample, the first sample's flags in trun
    ['first-sample flags in trun, durations per sample', segment({ tfdt: 20480, trunFlags: 0x1 | 0x4 | 0x100 | 0x200, first: KEY, samples: [[512, 10], [512, 11], [512, 12]] }),
      { samples: 3, firstIsKey: true, baseDecodeTime: 20480, duration: 1536 }],
    ['per-sample flags, a non-key first sample', segment({ tfdt: 0, trunFlags: 0x100 | 0x400, samples: [[100, NON_KEY], [100, KEY]] }),
      { samples: 2, firstIsKey: false, baseDecodeTime: 0, duration: 200 }],
    ['defaults in tfhd (duration and flags)', segment({ tfhdFlags: 0x8 | 0x20, tfhdFields: [40, NON_KEY], tfdt: 80, trunFlags: 0x200, samples: [[5], [6]] }),
      { samples: 2, firstIsKey: false, baseDecodeTime: 80, duration: 80 }],
    ['everything from trex (the init segment): unknown', segment({ trunFlags: 0x200, samples: [[5]] }),
      { samples: 1, firstIsKey: null, baseDecodeTime: null, duration: null }],
  ])('%s', (_name, bytes, want) => expect(summarizeFragment(bytes)).toEqual(want));

  it.each<[string, Uint8Array, RegExp]>([
    ['no moof (an init segment)', new Uint8Array(box('ftyp', [0, 0, 0, 0])), /no moof box/],
    ['a box larger than the file (truncated)', segment({ tfdt: 0, trunFlags: 0x100, samples: [[1], [1]] }).slice(0, 60), /claims \d+ bytes; \d+ are left/],
    ['a trun claiming more samples than its bytes', (() => { const b = segment({ tfdt: 0, trunFlags: 0x100, samples: [[1]] }); const i = b.length - 11 - 8; b.set(u32(1000), i); return b; })(),
      /a trun box lists 1000 samples/],
  ])('refuses %s', (_name, bytes, want) => expect(() => summarizeFragment(bytes)).toThrow(want));
});

describe('segmentSequenceCheck', () => {
  // segments of 2 frames of 512 ticks each, key frame first, starting at decode time `t`
  const seg = (t: number, first = KEY, n = 2): Uint8Array => segment({ tfdt: t, trunFlags: 0x4 | 0x100, first, samples: Array.from({ length: n }, () => [512]) });
  it.each<[string, [Uint8Array, number][], (string | null)[]]>([
    ['three in order, the last shorter', [[seg(0), 2], [seg(1024), 2], [seg(2048, KEY, 1), 1]], [null, null, null]],
    ['one frame too few', [[seg(0), 2], [seg(1024, KEY, 1), 2]], [null, 'holds 1 frames; expected 2']],
    ['no key frame first', [[seg(0, NON_KEY), 2]], ['does not start with a key frame']],
    ['not starting at 0', [[seg(512), 2]], ['starts at decode time 512; the segments before it end at 0']],
    ['a gap', [[seg(0), 2], [seg(2048), 2]], [null, 'starts at decode time 2048; the segments before it end at 1024']],
    ['not a media segment', [[new Uint8Array(box('ftyp', [0, 0, 0, 0])), 2]], ['is not a fragmented-MP4 media segment: no moof box (an init segment, or not MP4 at all)']],
  ])('%s', (_name, segments, want) => {
    const check = segmentSequenceCheck();
    expect(segments.map(([b, n]) => check(b, n))).toEqual(want);
  });
});

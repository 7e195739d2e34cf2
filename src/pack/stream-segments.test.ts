// The pure parts of cutting streams into segments: lengths, the HLS media playlist, reading one back.
import { describe, expect, it } from 'vitest';
import { mediaPlaylist, playlistSegments, segmentLengths } from './stream-segments.js';

describe('segmentLengths', () => {
  it.each<[number, number, number[]]>([
    [62, 10, [10, 10, 10, 10, 10, 10, 2]], [40, 40, [40]], [41, 40, [40, 1]], [5, 20, [5]], [3, 1, [1, 1, 1]],
  ])('%s frames in segments of %s', (frames, per, want) => expect(segmentLengths(frames, per)).toEqual(want));
});

describe('mediaPlaylist', () => {
  it('writes a VOD playlist of fMP4 segments (RFC 8216 version 7), durations from frame counts', () => {
    expect(mediaPlaylist(20, [40, 40, 3], 'lr/init.mp4', ['lr/00000.m4s', 'lr/00001.m4s', 'lr/00002.m4s'])).toBe([
      '#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-INDEPENDENT-SEGMENTS',
      '#EXT-X-MAP:URI="lr/init.mp4"', '#EXTINF:2.000000,', 'lr/00000.m4s', '#EXTINF:2.000000,', 'lr/00001.m4s', '#EXTINF:0.150000,', 'lr/00002.m4s', '#EXT-X-ENDLIST', '',
    ].join('\n'));
  });
  it.each<[number, number[], number]>([
    [20, [40], 2], [30000 / 1001, [60], 3], [24, [48, 48], 2], [5, [1], 1], [0.5, [1], 2],
  ])('target duration at %s fps for %j frames: %s', (fps, lengths, target) => {
    expect(mediaPlaylist(fps, lengths, 'i.mp4', lengths.map((_, k) => `${k}.m4s`))).toContain(`#EXT-X-TARGETDURATION:${target}\n`);
  });
});

describe('playlistSegments', () => {
  it('reads back what mediaPlaylist writes', () => {
    expect(playlistSegments(mediaPlaylist(20, [40, 3], 'lr/init.mp4', ['lr/00000.m4s', 'lr/00001.m4s']))).toEqual({ init: 'lr/init.mp4', files: ['lr/00000.m4s', 'lr/00001.m4s'] });
  });
  it('skips tags and blank lines, reads CRLF, and says when there is no init map', () => {
    expect(playlistSegments('#EXTM3U\r\n\r\n#EXTINF:2,\r\na.m4s\r\n#EXT-X-ENDLIST\r\n')).toEqual({ init: null, files: ['a.m4s'] });
  });
});

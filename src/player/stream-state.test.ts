import { describe, expect, it } from 'vitest';
import { playerState, waitingWords, type PlaybackFacts } from './stream-state.js';

const base: PlaybackFacts = { error: false, opened: true, playing: false, buffering: false, offline: false, ended: false };

describe('playerState', () => {
  it.each([
    ['before the first frame', { opened: false }, 'loading'],
    ['offline before the first frame', { opened: false, offline: true }, 'offline'],
    ['playing', { playing: true }, 'playing'],
    ['paused', {}, 'paused'],
    ['playing caught up with the download', { playing: true, buffering: true }, 'buffering'],
    ['a seek waiting for its segment', { buffering: true }, 'buffering'],
    ['offline while playing from the buffer', { playing: true, offline: true }, 'offline'],
    ['offline while buffering', { playing: true, buffering: true, offline: true }, 'offline'],
    ['offline while paused is paused', { offline: true }, 'paused'],
    ['at the end', { ended: true }, 'ended'],
    ['an error wins', { error: true, playing: true, buffering: true }, 'error'],
  ] as const)('%s: %s', (_name, facts, state) => {
    expect(playerState({ ...base, ...facts })).toBe(state);
  });
});

describe('waitingWords', () => {
  it('says offline with and without video in hand, buffering with its cause, nothing otherwise', () => {
    expect(waitingWords('offline', 12.34, null)).toMatch(/^Offline: playing the 12\.3 s/);
    expect(waitingWords('offline', 0, null)).toMatch(/^Offline: waiting for the network; playback resumes by itself/);
    expect(waitingWords('buffering', 0, null)).toBe('Buffering: waiting for the video to arrive');
    expect(waitingWords('buffering', 0, 'x stalled')).toMatch(/x stalled/);
    expect(waitingWords('playing', 3, null)).toBeNull();
  });
});

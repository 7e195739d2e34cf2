import { describe, expect, it } from 'vitest';
import { badgeFor, loadingWords, srViewHint, type ShownState } from './shown-label.js';

const at = (s: Partial<ShownState>): ShownState => ({ shown: 'sr', shownBy: 'compiled', selected: 'compiled', loading: null, playing: true, ...s });

describe('badgeFor: the badge says what the frame on screen is', () => {
  it.each<[string, Partial<ShownState>, string | null, boolean]>([
    ['nothing shown yet', { shown: null, shownBy: null }, null, false],
    ['an SR frame of the compiled engine', {}, 'SR (compiled)', false],
    ['an SR frame of ort, paused', { shownBy: 'ort', selected: 'ort', playing: false }, 'SR (ort)', false],
    ['a bicubic frame while the engine compiles', { shown: 'bicubic', shownBy: null, loading: 'compiling 2 of 4' }, 'bicubic: SR loading (compiling 2 of 4)', true],
    ['a bicubic frame before the engine says anything', { shown: 'bicubic', shownBy: null, loading: '' }, 'bicubic: SR loading', true],
    ['a bicubic frame while playing: SR was late', { shown: 'bicubic', shownBy: null }, 'bicubic: SR behind', true],
    ['a bicubic frame at rest: its SR comes', { shown: 'bicubic', shownBy: null, playing: false }, 'bicubic: SR on the way', true],
    ['the bicubic engine', { shownBy: 'bicubic', selected: 'bicubic' }, 'bicubic', false],
    ['the bicubic engine, poster', { shown: 'bicubic', shownBy: null, selected: 'bicubic', loading: '' }, 'bicubic', false],
    ['bicubic chosen while the last SR frame of compiled is still up', { selected: 'bicubic' }, 'SR (compiled)', false],
  ])('%s', (_, state, text, late) => {
    const b = badgeFor(at(state));
    expect(b?.text ?? null).toBe(text);
    if (b) expect(b.late).toBe(late);
  });
});

describe('loadingWords', () => {
  it.each([
    ['compiling pipelines: 2 of 4', 'compiling 2 of 4'],
    ['onnxruntime-web: warming up path 0 (38x38)', 'warming up path 0 (38x38)'],
    ['tuning conv tilings', 'tuning conv tilings'],
  ])('%s', (message, words) => expect(loadingWords(message)).toBe(words));
});

describe('srViewHint: views that need an SR frame say so', () => {
  const none = { compare: false, lens: false, overlay: 'none' };
  it.each<[string, Partial<typeof none>, Partial<ShownState>, string | null]>([
    ['no such view', {}, { shown: 'bicubic', shownBy: null, loading: '' }, null],
    ['compare on an SR frame', { compare: true }, {}, null],
    ['compare while loading', { compare: true }, { shown: 'bicubic', shownBy: null, loading: 'compiling 1 of 4' }, 'compare shows SR once the first SR frame is ready'],
    ['compare and lens at rest', { compare: true, lens: true }, { shown: 'bicubic', shownBy: null, playing: false }, "compare and the lens show SR once this frame's SR is ready"],
    ['all three while SR is behind', { compare: true, lens: true, overlay: 'psnr' }, { shown: 'bicubic', shownBy: null }, 'compare, the lens and the PSNR of SR show SR on the frames SR keeps up with'],
    ['compare on the bicubic engine', { compare: true }, { shownBy: 'bicubic', selected: 'bicubic' }, 'compare shows bicubic only: the bicubic engine makes no SR; choose another engine'],
  ])('%s', (_, view, state, hint) => expect(srViewHint({ ...none, ...view }, at(state))).toBe(hint));
});

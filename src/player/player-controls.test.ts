import { describe, expect, it } from 'vitest';
import { ENGINE_NAMES } from '../runtime/engine.js';
import { keyAction } from './player-controls.js';

describe('keyAction', () => {
  it.each([
    [' ', { kind: 'toggle-play' }],
    ['ArrowLeft', { kind: 'step', frames: -1 }],
    ['ArrowRight', { kind: 'step', frames: 1 }],
    ['c', { kind: 'toggle-compare' }], ['C', { kind: 'toggle-compare' }],
    ['o', { kind: 'cycle-overlay' }], ['l', { kind: 'toggle-lens' }], ['f', { kind: 'fullscreen' }],
    ['1', { kind: 'engine', engine: ENGINE_NAMES[0] }],
    [String(ENGINE_NAMES.length), { kind: 'engine', engine: ENGINE_NAMES[ENGINE_NAMES.length - 1] }],
    [String(ENGINE_NAMES.length + 1), null], ['0', null], ['x', null], ['Enter', null],
  ])('%j', (key, action) => { expect(keyAction(key)).toEqual(action); });
});

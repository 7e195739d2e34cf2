import { describe, expect, it } from 'vitest';
import { onDeviceLoss, REPEATED_LOSS_WINDOW_MS } from './device-loss.js';

describe('onDeviceLoss', () => {
  it.each([
    ['first loss', null, 0, false, { action: 'recover', losses: 1 }],
    ['a loss long after resuming', { state: 'resumed', at: 0, losses: 1 } as const, REPEATED_LOSS_WINDOW_MS + 1, false, { action: 'recover', losses: 1 }],
    ['a loss soon after resuming', { state: 'resumed', at: 0, losses: 1 } as const, 5000, false, { action: 'fallback', losses: 2 }],
    ['a loss during recovery', { state: 'recovering', losses: 1 } as const, 0, false, { action: 'fallback', losses: 2 }],
    ['a second loss on bicubic', { state: 'resumed', at: 0, losses: 1 } as const, 100, true, { action: 'recover', losses: 2 }],
    ['a third loss on bicubic', { state: 'resumed', at: 0, losses: 2 } as const, 100, true, { action: 'fail', losses: 3 }],
  ])('%s', (_name, previous, now, onBicubic, decision) => {
    expect(onDeviceLoss(previous, now, onBicubic)).toEqual(decision);
  });
});

// What the player does when its GPU device is lost: re-create it and resume; a loss during that recovery or soon
// after it falls back to bicubic (the SR engine may be what breaks the device); one more while on bicubic is an error.

/** A device loss within this long after recovering from one (or during the recovery) falls back to bicubic. */
export const REPEATED_LOSS_WINDOW_MS = 10_000;

export type LossState = { state: 'recovering'; losses: number } | { state: 'resumed'; at: number; losses: number } | null;

export type LossDecision = { action: 'recover' | 'fallback'; losses: number } | { action: 'fail'; losses: number };

export function onDeviceLoss(previous: LossState, nowMs: number, onBicubic: boolean): LossDecision {
  const repeated = previous !== null && (previous.state === 'recovering' || nowMs - previous.at < REPEATED_LOSS_WINDOW_MS);
  const losses = repeated ? previous.losses + 1 : 1;
  if (repeated && onBicubic && losses > 2) return { action: 'fail', losses };
  return { action: repeated && !onBicubic ? 'fallback' : 'recover', losses };
}

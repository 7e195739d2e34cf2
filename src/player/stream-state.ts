// What the player is doing, as one word (`stats.state`) and, when it waits on the network, in words for the page
// (shaped after Shaka Player's buffering observer: the state is derived from a few facts, never stored twice).

export type PlayerState = 'loading' | 'playing' | 'paused' | 'buffering' | 'offline' | 'ended' | 'error';

export interface PlaybackFacts {
  error: boolean;
  /** a pack is open and its first frame was shown (false while a pack loads, the first or the next) */
  opened: boolean;
  playing: boolean;
  /** playing (or a seek) waits for video that has not arrived */
  buffering: boolean;
  /** the browser has no network, or the last request got no answer */
  offline: boolean;
  ended: boolean;
}

export function playerState(f: PlaybackFacts): PlayerState {
  if (f.error) return 'error';
  if (!f.opened) return f.offline ? 'offline' : 'loading';
  if (f.offline && (f.playing || f.buffering)) return 'offline';
  if (f.buffering) return 'buffering';
  if (f.playing) return 'playing';
  return f.ended ? 'ended' : 'paused';
}

/** The page's words for a state that waits on the network (null for the others). */
export function waitingWords(state: PlayerState, bufferedSeconds: number, retrying: string | null): string | null {
  if (state === 'offline') {
    return bufferedSeconds >= 0.05
      ? `Offline: playing the ${bufferedSeconds.toFixed(1)} s already here; the rest comes when the network is back`
      : 'Offline: waiting for the network; playback resumes by itself';
  }
  if (state === 'buffering') return retrying ? `Buffering: the network is slow (${retrying}); retrying` : 'Buffering: waiting for the video to arrive';
  return null;
}

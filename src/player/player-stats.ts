// The `stats` the player element reports (the contract's fields plus documented extensions: docs/player.md).
import type { EngineName } from '../runtime/engine.js';
import { NO_FORECAST, type RealTimeStats } from './real-time-forecast.js';
import type { PlayerState } from './stream-state.js';

/** Extensions `gflopsPerSecond` and `realTimeHeadroom`: the real-time forecast (real-time-forecast.ts). */
export interface PlayerStats extends RealTimeStats {
  frame: number;
  time: number;
  /** frames presented per second over the last second of playback */
  fps: number;
  /** GPU time of SR for the last SR frame, or its wall time where the engine has no timestamp queries */
  srMs: number;
  /** PSNR of the shown SR frame (null when the frame was shown with bicubic, or without the PSNR overlay) */
  psnr: number | null;
  psnrBicubic: number | null;
  engine: EngineName;
  patches: number;
  peakGpuBytes: number;
  liveGpuBytes: number;
  /** ms from `src` set to the first SR frame shown (null until then) */
  startupMs: number | null;
  /** frames shown with SR */
  srFrames: number;
  /** frames shown with bicubic because SR was late (or not ready yet: the poster) */
  bicubicFrames: number;
  /** extension: how the frame on screen was made */
  shown: 'sr' | 'bicubic' | null;
  /** extension: the engine whose SR is on screen (null when the frame on screen is bicubic) */
  shownBy: EngineName | null;
  /** extension: what the badge says about the frame on screen (shown-label.ts), e.g. `SR (compiled)`, `bicubic: SR behind` */
  badge: string | null;
  /** extension: the device in words after the first SR frames (device-summary.ts), e.g. `software WebGPU (no GPU): about 31 s per SR frame; ...` */
  device: string | null;
  /** extension: frames skipped because neither SR nor bicubic could be shown in their period */
  dropped: number;
  /** extension: GPU buffers, textures and query sets alive on the player's device (GpuMemoryTracker) */
  liveGpuObjects: number;
  /** the compiled engine's optimizations on (src/runtime/optimizations.ts), in list order; [] for other engines */
  optimizations: string[];
  /** GPU dispatches of the last SR frame (the compiled engines; null for others and before the first) */
  dispatches: number | null;
  /** what the player is doing (stream-state.ts) */
  state: PlayerState;
  /** seconds of video ahead of the frame on screen that are downloaded */
  bufferedSeconds: number;
  /** bytes fetched for video, layout segments and the model */
  bytesFetched: number;
  /**
   * The frame on screen with the pack's reuse map (reuse-stats.ts): patches SR ran on (after a seek or a skipped frame
   * also those of earlier frames its reused patches needed), patches kept from the frame before, patches shown with
   * bicubic (every patch of a frame shown with bicubic), and the model GFLOP SR executed for it.
   */
  srPatches: number;
  reusedPatches: number;
  bicubicPatches: number;
  executedGflops: number;
  /** a bitrate ladder: the rung of the frame on screen, an index into the manifest's `renditions` (null without a ladder) */
  rendition: number | null;
  /** a bitrate ladder: the throughput the ABR measured, kbit/s (null without a ladder or before the first download) */
  bandwidthKbps: number | null;
  /** model tiers: the tier SR runs (an index into the manifest's `tiers`, 0 the richest; null without tiers) */
  tier: number | null;
}

export const emptyStats = (engine: EngineName): PlayerStats => ({
  frame: -1, time: 0, fps: 0, srMs: 0, psnr: null, psnrBicubic: null, engine, patches: 0, peakGpuBytes: 0, liveGpuBytes: 0,
  startupMs: null, srFrames: 0, bicubicFrames: 0, shown: null, shownBy: null, badge: null, device: null, dropped: 0, liveGpuObjects: 0, optimizations: [], dispatches: null, srPatches: 0, reusedPatches: 0, bicubicPatches: 0, executedGflops: 0,
  state: 'loading', bufferedSeconds: 0, bytesFetched: 0, rendition: null, bandwidthKbps: null, tier: null, ...NO_FORECAST,
});

/** Bytes as people read them. */
export const formatBytes = (n: number): string => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${Math.max(0, n / 1024).toFixed(0)} KiB`);

/** m:ss.s */
export const formatTime = (seconds: number): string => {
  const m = Math.floor(seconds / 60);
  return `${m}:${(seconds - 60 * m).toFixed(1).padStart(4, '0')}`;
};

// The device, in words: after the first SR frames, how long SR takes per frame here and what that means for
// watching ("software WebGPU: about 30 s per SR frame; SR frames show when paused or stepping").

/** Software WebGPU (no GPU): SwiftShader, llvmpipe, WARP, or an adapter that says it is a fallback. */
export function isSoftwareAdapter(info: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean } | undefined): boolean {
  if (!info) return false;
  return info.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|software|warp|basic render/i.test(`${info.vendor ?? ''} ${info.architecture ?? ''} ${info.description ?? ''}`);
}

const duration = (ms: number) => (ms < 1000 ? `${Math.max(1, Math.round(ms))} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`);

/**
 * The summary for SR frames of `srMs` (GPU or wall time per whole frame, most recent last) at `fps`: null before
 * the first. Judged on the median of the last frames, against the frame period.
 */
export function deviceSummary(device: { software: boolean; name: string }, srMs: number[], fps: number): string | null {
  if (srMs.length === 0) return null;
  const sorted = [...srMs].sort((a, b) => a - b), median = sorted[Math.floor(sorted.length / 2)]!, period = 1000 / fps;
  const what = `${device.software ? 'software WebGPU (no GPU)' : device.name}: about ${duration(median)} per SR frame`;
  if (median <= period) return `${what}; keeps real time at ${fps} fps`;
  const every = Math.ceil(median / period);
  if (every <= 4) return `${what}; while playing about one frame in ${every} gets SR, the rest show bicubic; every frame gets SR when paused or stepping`;
  return `${what}; too slow for real time: playing shows bicubic, SR frames show when paused or stepping`;
}

// Acquires the player's GPUDevice: checks WebGPU and adapter limits against the pack, asks for shader-f16
// and timestamp-query where the adapter has them, and attaches the GPU memory tracker before anything allocates.
// Several players on one page: the canvas probe runs once per page, device creation runs one player at a time, and
// a refused request is asked again with a growing wait (docs/player.md, "Several players on one page").
import { GpuMemoryTracker } from '../runtime/gpu-memory.js';
import { webgpuCanvasBreaksReadback } from './canvas-readback-probe.js';
import type { PresentMode } from './frame-presenter.js';
import { isSoftwareAdapter } from './device-summary.js';

export interface PlayerGpu {
  /** kept referenced: Chromium aborts mapAsync once the adapter's instance is collected */
  adapter: GPUAdapter;
  device: GPUDevice;
  tracker: GpuMemoryTracker;
  features: { shaderF16: boolean; timestampQuery: boolean };
  adapterInfo: string;
  /** software WebGPU (SwiftShader, llvmpipe, ...): no GPU */
  software: boolean;
}

export class GpuUnavailableError extends Error {}
/** requestAdapter answered null: asked again, then reported as GpuUnavailableError */
class NoAdapterYet extends Error {}

/** Waits before attempt k (0-based) of a GPU request: 0, 250, 500, ... ms, about 5 s over 7 attempts. */
export const GPU_RETRY_WAITS_MS: readonly number[] = [0, 250, 500, 750, 1000, 1250, 1500];

// Each player owns its device (its memory is counted, destroyed and recovered per element), but the steps that make
// one must not overlap: Chromium refuses requestDevice with "A valid external Instance reference no longer exists"
// while another device of the page is being destroyed (the probe's throwaway device, a removed player's).
let acquiring: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
  const run = acquiring.then(fn, fn);
  acquiring = run.catch(() => undefined);
  return run;
}

// The probe's answer is a property of the browser, and drawing into a WebGPU canvas breaks readback on every device
// alive at that moment: so it runs once per page, before the first player's device exists.
let canvasProbe: Promise<PresentMode> | null = null;

/** How this page presents frames (src/player/canvas-readback-probe.ts), probed once per page. */
export function pagePresentMode(): Promise<PresentMode> {
  canvasProbe ??= oneAtATime(() => withRetries('probe the WebGPU canvas', webgpuCanvasBreaksReadback))
    .then((breaks): PresentMode => (breaks ? 'readback' : 'webgpu-canvas'))
    .catch((e: unknown) => { canvasProbe = null; throw e; });
  return canvasProbe;
}

/** Runs `attempt` until it succeeds, waiting GPU_RETRY_WAITS_MS between tries; the last failure is thrown. */
async function withRetries<T>(what: string, attempt: () => Promise<T>, onRetry?: (error: string, k: number) => void): Promise<T> {
  let last: unknown;
  for (let k = 0; k < GPU_RETRY_WAITS_MS.length; k++) {
    if (GPU_RETRY_WAITS_MS[k]! > 0) await new Promise((r) => setTimeout(r, GPU_RETRY_WAITS_MS[k]));
    try { return await attempt(); } catch (e) {
      if (e instanceof GpuUnavailableError) throw e; // an answer, not a refusal: asking again changes nothing
      last = e;
      if (k + 1 < GPU_RETRY_WAITS_MS.length) onRetry?.(e instanceof Error ? e.message : String(e), k + 1);
    }
  }
  if (last instanceof NoAdapterYet) throw new GpuUnavailableError('WebGPU is present but no GPU adapter was found (GPU blocklisted or disabled).');
  const why = last instanceof Error ? last.message : String(last);
  throw new GpuUnavailableError(`Could not ${what} after ${GPU_RETRY_WAITS_MS.length} attempts over about 5 s (last: ${why}). Reload the page; if it keeps happening, close other tabs using the GPU or update the browser.`);
}

export function acquireGpu(needs: { maxTextureSize: number }, onRetry?: (error: string, attempt: number) => void): Promise<PlayerGpu> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) {
    return Promise.reject(new GpuUnavailableError('WebGPU is not available in this browser. Use a recent Chrome or Edge (desktop or Android), or enable WebGPU.'));
  }
  // Chromium can answer null while its GPU process restarts ("Failed to create WebGPU Context Provider") and refuse
  // the device while another is torn down: ask again, for a fresh adapter each time (an adapter makes one device).
  return oneAtATime(() => withRetries('create a WebGPU device', () => requestPlayerDevice(needs), onRetry));
}

/** Destroys a player's device, in turn with the other players' device creation (see oneAtATime). */
export function releaseGpu(gpu: PlayerGpu): Promise<void> {
  return oneAtATime(async () => { gpu.device.destroy(); });
}

async function requestPlayerDevice(needs: { maxTextureSize: number }): Promise<PlayerGpu> {
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new NoAdapterYet('no GPU adapter');
  if (adapter.limits.maxTextureDimension2D < needs.maxTextureSize) {
    throw new GpuUnavailableError(`This GPU's textures are limited to ${adapter.limits.maxTextureDimension2D}px; the pack needs ${needs.maxTextureSize}px. Try a pack with a smaller resolution.`);
  }
  const wanted: GPUFeatureName[] = ['shader-f16', 'timestamp-query'];
  const requiredFeatures = wanted.filter((f) => adapter.features.has(f));
  // Ask for the adapter's own storage-buffer limits: ORT and the compiled engines batch whole shape classes.
  const requiredLimits: Record<string, number> = {
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxBufferSize: adapter.limits.maxBufferSize,
    maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
    maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
  };
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  const tracker = new GpuMemoryTracker();
  tracker.attach(device);
  const info = adapter.info;
  return {
    adapter, device, tracker,
    features: { shaderF16: device.features.has('shader-f16'), timestampQuery: device.features.has('timestamp-query') },
    adapterInfo: [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown adapter',
    software: isSoftwareAdapter(info),
  };
}

// Acquires the player's GPUDevice: checks WebGPU and adapter limits against the pack, asks for shader-f16
// and timestamp-query where the adapter has them, and attaches the GPU memory tracker before anything allocates.
import { GpuMemoryTracker } from '../runtime/gpu-memory.js';

export interface PlayerGpu {
  /** kept referenced: Chromium aborts mapAsync once the adapter's instance is collected */
  adapter: GPUAdapter;
  device: GPUDevice;
  tracker: GpuMemoryTracker;
  features: { shaderF16: boolean; timestampQuery: boolean };
  adapterInfo: string;
}

export class GpuUnavailableError extends Error {}

export async function acquireGpu(needs: { maxTextureSize: number }): Promise<PlayerGpu> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) {
    throw new GpuUnavailableError('WebGPU is not available in this browser. Use a recent Chrome or Edge (desktop or Android), or enable WebGPU.');
  }
  // Chromium can answer null while its GPU process restarts ("Failed to create WebGPU Context Provider"): ask
  // again with a growing wait, about 5 s in all, before giving up.
  let adapter: GPUAdapter | null = null;
  for (let attempt = 0; attempt < 7 && !adapter; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 250 * attempt));
    adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  }
  if (!adapter) throw new GpuUnavailableError('WebGPU is present but no GPU adapter was found (GPU blocklisted or disabled).');
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
  };
}

// Test-only helpers: a real WebGPU device in Node (Dawn on SwiftShader), and texture/buffer upload/readback.
import { create, globals } from 'webgpu';
import { readTextureRgba } from './texture-readback.js';

// Dawn frees its instance (and with it every adapter and device it made) when the object `create()`
// returned is garbage-collected, even while a device is still in use: a worker then died with "The futex
// facility returned an unexpected error code" or hung in mapAsync. So the instance is held here for as long
// as the device is, and both are let go together in closeNodeGpuDevice().
let opened: { instance: GPU; device: Promise<GPUDevice> } | null = null;

export function nodeGpuDevice(): Promise<GPUDevice> {
  if (!opened) {
    Object.assign(globalThis, globals);
    const instance = create([]);
    const device = (async () => {
      const adapter = await instance.requestAdapter();
      if (!adapter) throw new Error('no WebGPU adapter in Node (is VK_ICD_FILENAMES set to SwiftShader?)');
      return adapter.requestDevice();
    })();
    opened = { instance, device };
  }
  return opened.device;
}

/** Waits for the device's queue, destroys the device, then drops the instance (call in afterAll). */
export async function closeNodeGpuDevice(): Promise<void> {
  if (!opened) return;
  const { device } = opened;
  const dev = await device.catch(() => null);
  if (dev) {
    await dev.queue.onSubmittedWorkDone();
    dev.destroy();
  }
  opened = null;
}

/** An rgba8unorm texture holding `rgba` (w*h*4 bytes). */
export function uploadTexture(device: GPUDevice, w: number, h: number, rgba: Uint8Array, usage = 0): GPUTexture {
  const tex = device.createTexture({
    size: [w, h], format: 'rgba8unorm',
    usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST | GPUTextureUsage.COPY_SRC | usage,
  });
  device.queue.writeTexture({ texture: tex }, rgba as Uint8Array<ArrayBuffer>, { bytesPerRow: w * 4 }, [w, h]);
  return tex;
}

export const readTexture = readTextureRgba;

export async function readBuffer(device: GPUDevice, src: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
  const buf = device.createBuffer({ size: bytes, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, 0, buf, 0, bytes);
  device.queue.submit([enc.finish()]);
  await buf.mapAsync(GPUMapMode.READ);
  const out = buf.getMappedRange().slice(0);
  buf.unmap();
  buf.destroy();
  return out;
}

/** Deterministic pseudo-random bytes (tests never run on zeros). */
export function randomBytes(n: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  return Uint8Array.from({ length: n }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s >>> 24; });
}

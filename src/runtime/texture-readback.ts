// Reading an rgba8unorm texture back to the CPU: rows padded to 256 bytes for the copy (WebGPU's
// bytesPerRow alignment), then packed to width*4 bytes per row. One definition for the player, the
// presenter's readback mode, the bench harness and the Node tests.

import type { FrameSize } from '../format/manifest.js';

export const paddedRowBytes = (width: number): number => Math.ceil((width * 4) / 256) * 256;

/** Records a copy of `tex` (or its top-left `region`) into a new mappable buffer; hand the result to readPackedRgba after submitting. */
export function encodeTextureReadback(device: GPUDevice, encoder: GPUCommandEncoder, tex: GPUTexture, region: FrameSize = tex): GPUBuffer {
  const rowBytes = paddedRowBytes(region.width);
  const buffer = device.createBuffer({ label: 'texture-readback', size: rowBytes * region.height, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  encoder.copyTextureToBuffer({ texture: tex }, { buffer, bytesPerRow: rowBytes }, [region.width, region.height]);
  return buffer;
}

/** Maps `buffer` (from encodeTextureReadback), packs its rows into width*height*4 bytes, and destroys it. */
export async function readPackedRgba(buffer: GPUBuffer, width: number, height: number, into?: Uint8Array | Uint8ClampedArray): Promise<Uint8Array | Uint8ClampedArray> {
  const rowBytes = paddedRowBytes(width);
  try {
    await buffer.mapAsync(GPUMapMode.READ);
    const src = new Uint8Array(buffer.getMappedRange());
    const out = into ?? new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) out.set(src.subarray(y * rowBytes, y * rowBytes + width * 4), y * width * 4);
    buffer.unmap();
    return out;
  } finally {
    buffer.destroy();
  }
}

/** The texture's pixels (or its top-left `region`'s), RGBA, width*height*4 bytes. */
export async function readTextureRgba(device: GPUDevice, tex: GPUTexture, region: FrameSize = tex): Promise<Uint8Array> {
  const encoder = device.createCommandEncoder({ label: 'texture-readback' });
  const buffer = encodeTextureReadback(device, encoder, tex, region);
  device.queue.submit([encoder.finish()]);
  return (await readPackedRgba(buffer, region.width, region.height)) as Uint8Array;
}

// Detects a browser defect seen in headless Chromium 156 on SwiftShader: once a device has drawn into a WebGPU
// canvas, every later mapAsync on that device aborts ("A valid external Instance reference no longer exists").
// The probe uses its own throwaway device so the player's device is never affected.

export async function webgpuCanvasBreaksReadback(): Promise<boolean> {
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return false;
  const device = await adapter.requestDevice();
  try {
    const canvas = document.createElement('canvas');
    canvas.width = 4;
    canvas.height = 4;
    const context = canvas.getContext('webgpu');
    if (!context) return true; // no WebGPU canvas at all: present through readback
    context.configure({ device, format: navigator.gpu.getPreferredCanvasFormat() });
    const encoder = device.createCommandEncoder();
    encoder.beginRenderPass({ colorAttachments: [{ view: context.getCurrentTexture().createView(), loadOp: 'clear', storeOp: 'store' }] }).end();
    device.queue.submit([encoder.finish()]);
    const buffer = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      await buffer.mapAsync(GPUMapMode.READ);
      return false;
    } catch {
      return true;
    }
  } finally {
    device.destroy();
  }
}

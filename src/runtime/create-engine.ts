// Creates any engine by name: the compiled ones here, onnxruntime-web and bicubic loaded on demand so a
// page that never picks them never downloads onnxruntime-web.
import { CompiledEngine, type CompiledEngineOptions } from './compiled-engine.js';
import type { EngineModel, EngineName, SREngine } from './engine.js';
import type { GpuMemoryTracker } from './gpu-memory.js';
import { NaiveEngine } from './naive-engine.js';

/**
 * `tracker`, when given, is attached to `device` (once per device) so the engine's buffers and textures are
 * counted from their creation on.
 */
export async function createEngine(name: EngineName, device: GPUDevice, model: EngineModel, tracker?: GpuMemoryTracker, opts: CompiledEngineOptions = {}): Promise<SREngine> {
  if (tracker && !attached.has(device)) { tracker.attach(device); attached.add(device); }
  switch (name) {
    case 'compiled': return new CompiledEngine(device, model, opts);
    case 'compiled-naive': return new NaiveEngine(device, model);
    case 'ort': return (await import('./ort-engine.js')).createOrtEngine(device, model);
    case 'bicubic': return (await import('./bicubic-engine.js')).createBicubicEngine(device, model);
    default: throw new Error(`unknown engine '${name as string}'; expected compiled, compiled-naive, ort or bicubic`);
  }
}

const attached = new WeakSet<GPUDevice>();

// The engine registry: one factory per engine name (the names are listed once, in ./engine.ts), used by
// the player and the bench. Every engine module is imported on demand, so a page that never picks `ort`
// never downloads onnxruntime-web.
import type { CompiledEngineOptions } from './compiled-engine.js';
import { ENGINE_NAMES, isEngineName, type EngineModel, type EngineName, type SREngine } from './engine.js';

type EngineFactory = (device: GPUDevice, model: EngineModel, opts: CompiledEngineOptions) => Promise<SREngine>;

const factories: Record<EngineName, EngineFactory> = {
  compiled: async (device, model, opts) => new (await import('./compiled-engine.js')).CompiledEngine(device, model, { precision: 'f32', ...opts }),
  // native f16 where the device has shader-f16, else halves packed in u32 (every adapter); f32 math in both
  'compiled-f16': async (device, model, opts) => new (await import('./compiled-engine.js')).CompiledEngine(device, model, { ...opts, precision: 'f16-auto' }),
  'compiled-naive': async (device, model) => new (await import('./naive-engine.js')).NaiveEngine(device, model),
  ort: async (device, model) => (await import('./ort-engine.js')).createOrtEngine(device, model),
  bicubic: async (device, model) => (await import('./bicubic-engine.js')).createBicubicEngine(device, model),
};

export async function createEngine(name: EngineName, device: GPUDevice, model: EngineModel, opts: CompiledEngineOptions = {}): Promise<SREngine> {
  if (!isEngineName(name)) throw new Error(`unknown engine '${String(name)}'; expected one of ${ENGINE_NAMES.join(', ')}`);
  return factories[name](device, model, opts);
}

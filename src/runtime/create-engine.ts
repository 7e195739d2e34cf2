// The engine registry: one factory per engine name (the names are listed once, in ./engine.ts), used by
// the player and the bench. Every engine module is imported on demand, so a page that never picks `ort`
// never downloads onnxruntime-web. The three compiled engines are presets of the compiled engine's optimizations
// (./optimizations.ts); `opts.optimizations` overrides the preset's set.
import type { CompiledEngineOptions } from './compiled-engine.js';
import { ENGINE_NAMES, isEngineName, type EngineModel, type EngineName, type SREngine } from './engine.js';

type EngineFactory = (device: GPUDevice, model: EngineModel, opts: CompiledEngineOptions) => Promise<SREngine>;

const factories: Record<EngineName, EngineFactory> = {
  compiled: async (device, model, opts) => new (await import('./compiled-engine.js')).CompiledEngine(device, model, { ...opts, name: 'compiled' }),
  // native f16 where the device has shader-f16, else halves packed in u32 (every adapter); f32 math in both
  'compiled-f16': async (device, model, opts) => new (await import('./compiled-engine.js')).CompiledEngine(device, model, { ...opts, name: 'compiled-f16' }),
  // every optimization off: a kernel per operator, direct convs, planned per frame, no memory reuse, a submit per dispatch
  'compiled-naive': async (device, model, opts) => new (await import('./compiled-engine.js')).CompiledEngine(device, model, { ...opts, name: 'compiled-naive' }),
  ort: async (device, model) => (await import('./ort-engine.js')).createOrtEngine(device, model),
  bicubic: async (device, model) => (await import('./bicubic-engine.js')).createBicubicEngine(device, model),
};

export async function createEngine(name: EngineName, device: GPUDevice, model: EngineModel, opts: CompiledEngineOptions = {}): Promise<SREngine> {
  if (!isEngineName(name)) throw new Error(`unknown engine '${String(name)}'; expected one of ${ENGINE_NAMES.join(', ')}`);
  return factories[name](device, model, opts);
}

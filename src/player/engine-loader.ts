// Creates an SREngine by name. ort and bicubic live in src/runtime; the compiled engines come from
// src/runtime/create-engine.ts, found with import.meta.glob so the player builds before that file exists.
import type { EngineModel, EngineName, SREngine } from '../runtime/engine.js';
import { createBicubicEngine } from '../runtime/bicubic-engine.js';

type CreateEngine = (name: EngineName, device: GPUDevice, model: EngineModel) => Promise<SREngine>;
const compiledEngineModules = import.meta.glob<{ createEngine: CreateEngine }>('../runtime/create-engine.ts');

export const engineNames: EngineName[] = ['compiled', 'compiled-naive', 'ort', 'bicubic'];

export function isEngineName(v: unknown): v is EngineName {
  return typeof v === 'string' && (engineNames as string[]).includes(v);
}

export async function loadEngine(name: EngineName, device: GPUDevice, model: EngineModel): Promise<SREngine> {
  switch (name) {
    case 'bicubic': return createBicubicEngine(device, model);
    case 'ort': return (await import('../runtime/ort-engine.js')).createOrtEngine(device, model);
    case 'compiled':
    case 'compiled-naive': {
      const load = Object.values(compiledEngineModules)[0];
      if (!load) throw new Error(`engine '${name}' is not available in this build (src/runtime/create-engine.ts is missing); choose 'ort' or 'bicubic'`);
      return (await load()).createEngine(name, device, model);
    }
  }
}

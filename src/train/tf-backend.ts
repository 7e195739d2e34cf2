// Starts tfjs on the backend that trains here: WebAssembly (CPU, SIMD) by default, or WebGPU where
// a GPU exists (in Node through Dawn from the `webgpu` package). In Node the wasm backend finds its
// .wasm files next to its own module, so no setWasmPaths is needed.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export type TrainBackend = 'wasm' | 'webgpu';

const ready = new Map<TrainBackend, Promise<void>>();

/** Resolves once tfjs runs on `backend` (idempotent per backend). Call before any tfjs work here. */
export function initTfBackend(backend: TrainBackend = 'wasm'): Promise<void> {
  let p = ready.get(backend);
  if (!p) {
    p = (async () => {
      if (backend === 'webgpu') await provideNodeWebGpu();
      if (!(await tf.setBackend(backend))) throw new Error(`tfjs ${backend} backend failed to start${backend === 'webgpu' ? ' (no WebGPU adapter?)' : ''}`);
      await tf.ready();
    })();
    ready.set(backend, p);
    p.catch(() => ready.delete(backend));
  }
  return p.then(() => {
    // a second caller may have switched backends since; put this one back
    if (tf.getBackend() !== backend) return tf.setBackend(backend).then(() => undefined);
  });
}

/** In Node there is no navigator.gpu: give tfjs Dawn's, and register the WebGPU backend. */
async function provideNodeWebGpu(): Promise<void> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator?.gpu) {
    let dawn: { create: (flags: string[]) => unknown; globals: Record<string, unknown> };
    try {
      dawn = await import('webgpu') as typeof dawn;
    } catch {
      throw new Error("the webgpu training backend needs WebGPU: in Node install the 'webgpu' package (Dawn)");
    }
    Object.assign(globalThis, dawn.globals);
    Object.defineProperty(globalThis, 'navigator', { value: { ...(g.navigator ?? {}), gpu: dawn.create([]) }, configurable: true, writable: true });
  }
  await import('@tensorflow/tfjs-backend-webgpu');
}

/** Throws unless tfjs runs on a backend with synchronous reads (wasm), which sync callers need. */
export function assertTfBackendReady(): void {
  if (tf.getBackend() !== 'wasm') throw new Error(`tfjs backend is '${tf.getBackend()}'; call await initTfBackend() first`);
}

export { tf };

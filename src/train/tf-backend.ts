// Starts tfjs on its WebAssembly backend (CPU, SIMD) for training and reference inference in Node.
// In Node the backend finds its .wasm files next to its own module, so no setWasmPaths is needed.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

let ready: Promise<void> | null = null;

/** Idempotent: resolves once tfjs runs on the wasm backend. Call before any tfjs work here. */
export function initTfBackend(): Promise<void> {
  ready ??= (async () => {
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to start; is @tensorflow/tfjs-backend-wasm installed?');
    await tf.ready();
  })();
  return ready;
}

export function assertTfBackendReady(): void {
  if (tf.getBackend() !== 'wasm') throw new Error(`tfjs backend is '${tf.getBackend()}'; call await initTfBackend() first`);
}

export { tf };

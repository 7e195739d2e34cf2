// Compute pipelines per GPUDevice, keyed by what really changes the shader (its WGSL and entry point): the
// same WGSL compiles once per device however many layers, shape classes or engines use it, and an engine
// switch back and forth finds its pipelines already made. Held in a WeakMap, so a lost or dropped device takes
// its pipelines with it. A failed compile is not cached (the next request retries and reports it again).
import type { KernelSource } from '../compiler/codegen/kernel-contract.js';
import { KernelProgram } from './kernel-program.js';

const byDevice = new WeakMap<GPUDevice, Map<string, Promise<KernelProgram>>>();

const keyOf = (kernel: KernelSource, entryPoint: string): string => `${entryPoint}\n${kernel.code}`;

/** Whether `kernel` already has (or is getting) a pipeline on `device`. */
export function hasCachedProgram(device: GPUDevice, kernel: KernelSource, entryPoint = 'main'): boolean {
  return byDevice.get(device)?.has(keyOf(kernel, entryPoint)) ?? false;
}

/** The device's program for `kernel`'s WGSL, compiled asynchronously on first request (shared by every caller after). */
export function cachedProgram(device: GPUDevice, kernel: KernelSource, entryPoint = 'main'): Promise<KernelProgram> {
  let cache = byDevice.get(device);
  if (!cache) { cache = new Map(); byDevice.set(device, cache); }
  const key = keyOf(kernel, entryPoint);
  let program = cache.get(key);
  if (!program) {
    program = KernelProgram.create(device, kernel, entryPoint);
    cache.set(key, program);
    program.catch(() => { if (cache.get(key) === program) cache.delete(key); });
  }
  return program;
}

/**
 * Programs for `kernels` (duplicates by WGSL compile once), at most `concurrency` compiles in flight; progress
 * as "k of n" over the distinct pipelines. Cached ones count as done at once.
 */
export async function compilePrograms(device: GPUDevice, kernels: readonly KernelSource[], concurrency: number,
  onProgress?: (done: number, total: number) => void): Promise<KernelProgram[]> {
  const all = [...new Map(kernels.map((k) => [keyOf(k, 'main'), k])).values()];
  const cached = all.filter((k) => hasCachedProgram(device, k));
  const fresh = all.filter((k) => !hasCachedProgram(device, k));
  // cached (or in-flight) pipelines count as done before anything new starts
  await Promise.all(cached.map((k) => cachedProgram(device, k)));
  const distinct = [...cached, ...fresh];
  let done = cached.length, next = cached.length;
  const report = () => onProgress?.(done, distinct.length);
  report();
  const worker = async () => {
    while (next < distinct.length) {
      await cachedProgram(device, distinct[next++]);
      done++;
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, distinct.length)) }, worker));
  return Promise.all(kernels.map((k) => cachedProgram(device, k)));
}

/**
 * Compiles in flight at once: the driver's compiler threads are what run them, so about half the logical
 * cores (measured on 2-core SwiftShader: 1 at a time 17.7 s, 2 at a time 21.8 s, 12 at once 28.3 s for the
 * demo's 12 pipelines; the machine's other processes were running).
 */
export function defaultCompileConcurrency(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2;
  return Math.max(1, Math.min(4, Math.floor(cores / 2)));
}

// A small per-adapter autotuner for the conv variants (src/compiler/codegen/conv-variant.ts: implicit-GEMM tilings
// and, for 3x3 convs on the arena, Winograd F(2x2,3x3) tilings): each layer type's handful of candidates (all
// tested against onnxruntime in conv-tilings.test.ts and winograd-conv.test.ts) is timed once per (adapter,
// layer shape) on scratch data and the fastest is remembered in a TilingStore (IndexedDB in the browser, a JSON
// file in Node). Untuned layers, or when timing fails, get the codegen's safe default. One tiling per layer
// type (timed at the largest patch size), so every patch shape still shares one pipeline per layer.
import { convOutputSize, type ConvKernelSpec } from '../compiler/codegen/conv-kernel.js';
import { convVariantCandidates, convVariantKernel, defaultConvVariant, isWinograd, variantKey, type ConvVariant } from '../compiler/codegen/conv-variant.js';
import { outputBlocks } from '../compiler/codegen/weight-layout.js';
import { elementBytes, paramsWords } from '../compiler/codegen/wgsl-common.js';
import { cachedProgram } from './pipeline-cache.js';

/** Remembered choices: tiling keys by "adapter | layer" key. */
export interface TilingStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, tiling: string): Promise<void>;
}

/** What identifies a layer type for tuning (the spatial size it was timed at included). */
export function layerKey(spec: ConvKernelSpec): string {
  const input = spec.input.kind === 'lr' ? `lr${spec.input.halo}` : 'arena';
  return `conv${spec.k}x${spec.k} ${spec.cin}->${spec.cout} pad${spec.pad}${spec.relu ? ' relu' : ''}${spec.residual ? ' res' : ''} ${input} ${spec.precision} ${spec.inH}x${spec.inW}`;
}

export function adapterKey(device: GPUDevice): string {
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return info ? [info.vendor, info.architecture, info.device, info.description].join('/') : 'unknown-adapter';
}

/** Times one kernel variant: ms of one dispatch over `count` patches (after a warm-up run). */
export type KernelTimer = (spec: ConvKernelSpec, variant: ConvVariant) => Promise<number>;

/**
 * The tiling per layer type of `layers` (keyed by layerKey of the largest instance): the stored choice, else the
 * fastest candidate by `time` (then stored), else, when timing throws, the default (not stored).
 */
export async function tuneConvTilings(layers: readonly ConvKernelSpec[], adapter: string, store: TilingStore, time: KernelTimer): Promise<Map<string, ConvVariant>> {
  const typeKey = (s: ConvKernelSpec) => layerKey({ ...s, inH: 0, inW: 0 });
  const largest = new Map<string, ConvKernelSpec>();
  for (const s of layers) {
    const have = largest.get(typeKey(s));
    if (!have || s.inH * s.inW > have.inH * have.inW) largest.set(typeKey(s), s);
  }
  const chosen = new Map<string, ConvVariant>();
  for (const [type, spec] of largest) {
    const candidates = convVariantCandidates(spec);
    const key = `${adapter} | ${layerKey(spec)}`;
    const stored = await store.get(key);
    let pick = candidates.find((t) => variantKey(t) === stored);
    if (!pick) {
      try {
        let best = Infinity;
        for (const t of candidates) {
          const ms = await time(spec, t);
          if (ms < best) { best = ms; pick = t; }
        }
        if (pick) await store.set(key, variantKey(pick));
      } catch {
        pick = undefined;
      }
    }
    chosen.set(type, pick ?? defaultConvVariant(spec));
  }
  return chosen;
}

/** The variant for `spec` from a tuneConvTilings result (the default for a layer type it did not see). */
export function tilingFor(tuned: Map<string, ConvVariant>, spec: ConvKernelSpec): ConvVariant {
  return tuned.get(layerKey({ ...spec, inH: 0, inW: 0 })) ?? defaultConvVariant(spec);
}

/** A KernelTimer on `device`: scratch arena and weights of random values, wall time of one submit (best of 2 after a warm-up). */
export function gpuKernelTimer(device: GPUDevice, count = 1): KernelTimer {
  return async (spec, variant) => {
    const k = await scratchKernelRun(device, spec, variant, count);
    try {
      let best = Infinity;
      for (let r = 0; r < 3; r++) {
        const ms = await k.run();
        if (r > 0) best = Math.min(best, ms);
      }
      return best;
    } finally { k.dispose(); }
  };
}

/**
 * One conv variant compiled and bound to scratch buffers of random values (`count` patches of `spec`'s size):
 * run() submits one dispatch and returns its wall ms. For the tuner and for side-by-side benches.
 */
export async function scratchKernelRun(device: GPUDevice, spec: ConvKernelSpec, variant: ConvVariant, count = 1): Promise<{ run(): Promise<number>; dispose(): void }> {
  const kernel = convVariantKernel(spec, variant);
  const program = await cachedProgram(device, kernel);
  const [oh, ow] = convOutputSize(spec);
  const eb = elementBytes(spec.precision);
  const inUnits = count * Math.ceil(spec.cin / 4) * spec.inH * spec.inW, outUnits = count * outputBlocks(spec.cout) * oh * ow;
  // Winograd weights are 4x4 per (output, input) channel pair (U = G g G^T)
  const taps = isWinograd(variant) ? 16 : spec.k * spec.k;
  const wUnits = outputBlocks(spec.cout) * spec.cin * taps + outputBlocks(spec.cout);
  const scratch = (units: number, usage: number) => {
    const buf = device.createBuffer({ label: 'tuner-scratch', size: 4 * eb * units, usage: usage | GPUBufferUsage.COPY_DST });
    // small random values (no NaN/Inf in any storage format): bit patterns of halves/floats in [0.25, 1)
    const words = new Uint32Array(eb * units);
    for (let i = 0; i < words.length; i++) words[i] = eb === 4 ? 0x3e800000 + ((i * 2654435761) >>> 9) % 0x400000 : 0x34003400 + (((i * 2654435761) >>> 22) * 0x10001);
    device.queue.writeBuffer(buf, 0, words as Uint32Array<ArrayBuffer>);
    return buf;
  };
  const arena = scratch(inUnits + 2 * outUnits, GPUBufferUsage.STORAGE);
  const weights = scratch(wUnits, GPUBufferUsage.STORAGE);
  const params = device.createBuffer({ label: 'tuner-params', size: 64, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(params, 0, paramsWords({ inOff: 0, resOff: inUnits, outOff: inUnits + outUnits, wOff: 0, bOff: 4 * (wUnits - outputBlocks(spec.cout)), wOffB: 0, bOffB: 0, count, inH: spec.inH, inW: spec.inW, outH: oh, outW: ow }) as Uint32Array<ArrayBuffer>);
  const lr = spec.input.kind === 'lr' ? device.createTexture({ size: [spec.inW, spec.inH], format: 'rgba8unorm', usage: GPUTextureUsage.TEXTURE_BINDING }) : null;
  const origins = spec.input.kind === 'lr' ? device.createBuffer({ size: 8 * count, usage: GPUBufferUsage.STORAGE }) : null;
  const dispose = () => { arena.destroy(); weights.destroy(); params.destroy(); lr?.destroy(); origins?.destroy(); };
  try {
    const group = program.bindGroup({ arena, weights, params, ...(lr && origins ? { lr, origins } : {}) });
    return {
      run: async () => {
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass();
        program.dispatch(pass, group, kernel.workgroups(count));
        pass.end();
        const t = performance.now();
        device.queue.submit([enc.finish()]);
        await device.queue.onSubmittedWorkDone();
        return performance.now() - t;
      },
      dispose,
    };
  } catch (e) {
    dispose();
    throw e;
  }
}

/** In memory (tests, or a page without IndexedDB). */
export function memoryTilingStore(): TilingStore {
  const m = new Map<string, string>();
  return { get: async (k) => m.get(k), set: async (k, v) => { m.set(k, v); } };
}

/** IndexedDB in the browser (database `dydca`, store `conv-tilings`); falls back to memory where it is missing. */
export function browserTilingStore(): TilingStore {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb) return memoryTilingStore();
  const db = new Promise<IDBDatabase>((resolve, reject) => {
    const req = idb.open('dydca', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('conv-tilings');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const op = <T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>) => db.then((d) => new Promise<T>((resolve, reject) => {
    const req = f(d.transaction('conv-tilings', mode).objectStore('conv-tilings'));
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  }));
  return {
    get: async (k) => (await op<unknown>('readonly', (s) => s.get(k))) as string | undefined,
    set: async (k, v) => { await op('readwrite', (s) => s.put(v, k)); },
  };
}

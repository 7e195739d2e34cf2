// A pool of child processes that compute gradients on shards of a batch, so one training step
// uses several cores; the trainer averages their gradients (weighted by shard size) with its own.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PathSpec } from '../model/spec.js';
import type { CropBatch } from './crop-sampler.js';

export interface GradientRequest {
  id: number;
  path: PathSpec;
  scale: number;
  /** [name, dims, data] of every parameter of the path, in the trainer's (HWIO) layout */
  params: [string, number[], Float32Array][];
  batch: CropBatch;
}

export type GradientReply =
  | { id: number; loss: number; mse: number; grads: [string, Float32Array][]; error?: undefined }
  | { id: number; error: string };

export interface ShardGradients { loss: number; mse: number; grads: Map<string, Float32Array> }

/** Rows [start, start+count) of a batch. */
export function sliceBatch(b: CropBatch, start: number, count: number): CropBatch {
  const inPer = b.input.length / b.count;
  const outPer = b.target.length / b.count;
  return { ...b, count, input: b.input.slice(start * inPer, (start + count) * inPer), target: b.target.slice(start * outPer, (start + count) * outPer) };
}

/** Splits `n` into `k` near-equal positive shard sizes (fewer when n < k). */
export function shardSizes(n: number, k: number): number[] {
  const parts = Math.min(n, k);
  return Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));
}

export class GradientWorkerPool {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (g: ShardGradients) => void; reject: (e: Error) => void }>();

  private constructor(private readonly children: ChildProcess[]) {
    for (const c of children) {
      c.on('message', (m: GradientReply) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error !== undefined) p.reject(new Error(`gradient worker failed: ${m.error}`));
        else p.resolve({ loss: m.loss, mse: m.mse, grads: new Map(m.grads) });
      });
      c.on('exit', (code) => {
        for (const p of this.pending.values()) p.reject(new Error(`gradient worker exited (code ${code}) mid-step`));
        this.pending.clear();
      });
    }
  }

  get size(): number { return this.children.length; }

  /** Starts `n` worker processes (running the TypeScript entry through tsx's loader). */
  static start(n: number): GradientWorkerPool {
    const entry = fileURLToPath(new URL('./gradient-worker.ts', import.meta.url));
    const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const children = Array.from({ length: n }, () =>
      fork(entry, [], { execArgv: ['--import', tsxLoader], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    return new GradientWorkerPool(children);
  }

  /** Gradients of `path` on `batch`, computed by worker `k`. */
  gradients(k: number, path: PathSpec, scale: number, params: GradientRequest['params'], batch: CropBatch): Promise<ShardGradients> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const req: GradientRequest = { id, path, scale, params, batch };
      this.children[k].send(req);
    });
  }

  close(): void {
    for (const c of this.children) if (c.connected) c.disconnect();
  }
}

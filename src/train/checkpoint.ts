// Training checkpoints: parameters, Adam moments, RNG state and history in one binary file,
// written to a temp file and renamed so an interrupted write never leaves a broken checkpoint.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface TrainHistoryEntry { step: number; path: number; loss: number; psnr: number; learningRate: number }

export interface CheckpointTensor { dims: number[]; data: Float32Array }

export interface TrainCheckpoint {
  /** identifies the network the tensors belong to (the spec as JSON); resume refuses a different one */
  specKey: string;
  /** steps completed */
  step: number;
  rngState: number;
  /** Adam step count per path id (paths are updated only on their own steps) */
  pathSteps: Record<number, number>;
  history: TrainHistoryEntry[];
  /** training seconds used before this checkpoint (a time-budgeted run resumes its clock from here; absent in older files: 0) */
  seconds?: number;
  /** keyed `w:<param>`, `m:<param>`, `v:<param>` in the trainer's layout */
  tensors: Map<string, CheckpointTensor>;
}

const MAGIC = 'DYDCACK1';

export function saveCheckpoint(file: string, ck: TrainCheckpoint): void {
  const index: { key: string; dims: number[]; offset: number; length: number }[] = [];
  let offset = 0;
  for (const [key, t] of ck.tensors) { index.push({ key, dims: t.dims, offset, length: t.data.length }); offset += t.data.length; }
  const header = Buffer.from(JSON.stringify({ specKey: ck.specKey, step: ck.step, rngState: ck.rngState, pathSteps: ck.pathSteps, history: ck.history, seconds: ck.seconds ?? 0, index }));
  // pad the header so the float data starts 4-byte aligned
  const headerLen = Math.ceil(header.length / 4) * 4;
  const out = Buffer.alloc(8 + 4 + headerLen + offset * 4, 0x20);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(headerLen, 8);
  header.copy(out, 12);
  const floats = new Float32Array(out.buffer, out.byteOffset + 12 + headerLen, offset);
  for (const e of index) floats.set(ck.tensors.get(e.key)!.data, e.offset);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, out);
  renameSync(tmp, file);
}

/** The checkpoint in `file`, or null when there is none. */
export function loadCheckpoint(file: string): TrainCheckpoint | null {
  if (!existsSync(file)) return null;
  const buf = readFileSync(file);
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) throw new Error(`${file} is not a dydca training checkpoint; delete it or choose another --checkpoint file`);
  const headerLen = buf.readUInt32LE(8);
  const header = JSON.parse(buf.toString('utf8', 12, 12 + headerLen)) as Omit<TrainCheckpoint, 'tensors'> & { index: { key: string; dims: number[]; offset: number; length: number }[] };
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + 12 + headerLen, buf.byteOffset + buf.length));
  const tensors = new Map<string, CheckpointTensor>();
  for (const e of header.index) tensors.set(e.key, { dims: e.dims, data: data.slice(e.offset, e.offset + e.length) });
  return { specKey: header.specKey, step: header.step, rngState: header.rngState, pathSteps: header.pathSteps, history: header.history, seconds: header.seconds ?? 0, tensors };
}

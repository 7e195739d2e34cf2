// The packer's on-disk training store: per chunk, one file of raw LR (as decoded from the LR stream) and HR
// frames, so training samples crops across a whole video of any length while holding none of it in memory.
// A crop reads just its rows with positioned reads (the OS page cache is the cache); whole frames (the skip fit)
// are read one at a time.
import { closeSync, openSync, readSync } from 'node:fs';
import type { FrameSource, PixelWindow, TrainingFrame } from '../train/training-set.js';
import { writeFileAtomic } from './work-folder.js';

const MAGIC = 'DYDCATS1';

/** What a chunk's store file holds: `frames[i]` is the global frame index of the i-th stored frame. */
export interface TrainingChunkHeader { lrWidth: number; lrHeight: number; scale: number; frames: number[] }

/** Writes one chunk's training frames (LR and HR, RGB8) atomically: header, then per frame LR bytes then HR bytes. */
export function writeTrainingChunk(file: string, header: TrainingChunkHeader, frames: readonly TrainingFrame[]): void {
  if (frames.length !== header.frames.length) throw new Error(`training chunk: ${frames.length} frames for ${header.frames.length} indices`);
  const lrBytes = header.lrWidth * header.lrHeight * 3, hrBytes = lrBytes * header.scale * header.scale;
  const json = Buffer.from(JSON.stringify(header));
  const head = Buffer.alloc(12);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(json.length, 8);
  const parts: Uint8Array[] = [head, json];
  for (const f of frames) {
    if (f.lr.length !== lrBytes || f.hr.length !== hrBytes) throw new Error(`training chunk: frame of ${f.lr.length}/${f.hr.length} bytes; expected ${lrBytes}/${hrBytes}`);
    parts.push(f.lr, f.hr);
  }
  writeFileAtomic(file, parts);
}

/** Reads a store file's header (not its frames). */
export function readTrainingChunkHeader(file: string): { header: TrainingChunkHeader; dataOffset: number } {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(12);
    if (readSync(fd, head, 0, 12, 0) !== 12 || head.toString('latin1', 0, 8) !== MAGIC) throw new Error(`${file} is not a dydca training store file`);
    const len = head.readUInt32LE(8);
    const json = Buffer.alloc(len);
    if (readSync(fd, json, 0, len, 12) !== len) throw new Error(`${file}: truncated header`);
    return { header: JSON.parse(json.toString('utf8')) as TrainingChunkHeader, dataOffset: 12 + len };
  } finally {
    closeSync(fd);
  }
}

interface StoredFrame { file: string; offset: number }

/**
 * The frames of several store files as one FrameSource, in the order given. File descriptors open on first use
 * and stay open until `close()`.
 */
export class TrainingStore implements FrameSource {
  private readonly frames: StoredFrame[] = [];
  /** global frame index of each stored frame */
  readonly frameIndices: number[] = [];
  private readonly fds = new Map<string, number>();
  private readonly lrBytes: number;
  private readonly hrBytes: number;
  private last: { i: number; frame: TrainingFrame } | null = null;

  constructor(files: readonly string[], readonly lrWidth: number, readonly lrHeight: number, readonly scale: number) {
    this.lrBytes = lrWidth * lrHeight * 3;
    this.hrBytes = this.lrBytes * scale * scale;
    for (const file of files) {
      const { header, dataOffset } = readTrainingChunkHeader(file);
      if (header.lrWidth !== lrWidth || header.lrHeight !== lrHeight || header.scale !== scale) {
        throw new Error(`${file} holds ${header.lrWidth}x${header.lrHeight} x${header.scale} frames; expected ${lrWidth}x${lrHeight} x${scale}`);
      }
      header.frames.forEach((g, k) => {
        this.frames.push({ file, offset: dataOffset + k * (this.lrBytes + this.hrBytes) });
        this.frameIndices.push(g);
      });
    }
  }

  get length(): number { return this.frames.length; }

  frame(i: number): TrainingFrame {
    if (this.last?.i === i) return this.last.frame;
    const f = this.at(i);
    const buf = this.read(f.file, f.offset, this.lrBytes + this.hrBytes);
    const frame = { lr: buf.subarray(0, this.lrBytes), hr: buf.subarray(this.lrBytes) };
    this.last = { i, frame };
    return frame;
  }

  window(i: number, image: 'lr' | 'hr', x: number, y: number, w: number, h: number): PixelWindow {
    const f = this.at(i);
    const rowPixels = image === 'lr' ? this.lrWidth : this.lrWidth * this.scale;
    const rows = image === 'lr' ? this.lrHeight : this.lrHeight * this.scale;
    if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > rowPixels || y + h > rows) throw new Error(`window ${w}x${h}+${x}+${y} is outside the ${rowPixels}x${rows} ${image} frame`);
    const base = f.offset + (image === 'lr' ? 0 : this.lrBytes);
    const data = new Uint8Array(w * h * 3);
    const fd = this.fd(f.file);
    for (let r = 0; r < h; r++) {
      const n = readSync(fd, data, r * w * 3, w * 3, base + ((y + r) * rowPixels + x) * 3);
      if (n !== w * 3) throw new Error(`${f.file}: truncated training frame`);
    }
    return { data, x0: x, y0: y, rowPixels: w };
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    this.last = null;
  }

  private at(i: number): StoredFrame {
    const f = this.frames[i];
    if (!f) throw new Error(`training store has ${this.frames.length} frames; asked for frame ${i}`);
    return f;
  }

  private fd(file: string): number {
    let fd = this.fds.get(file);
    if (fd === undefined) { fd = openSync(file, 'r'); this.fds.set(file, fd); }
    return fd;
  }

  private read(file: string, offset: number, bytes: number): Uint8Array {
    const buf = new Uint8Array(bytes);
    if (readSync(this.fd(file), buf, 0, bytes, offset) !== bytes) throw new Error(`${file}: truncated training frame`);
    return buf;
  }
}

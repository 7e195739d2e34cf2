// Runs Debian's ffmpeg/ffprobe as child processes: raw frames stream over pipes, stderr is kept
// for error messages, and every child started is killed if the packer is interrupted.
import { spawn, type ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();

/** Kill every ffmpeg child still running (on SIGINT/SIGTERM or a failed pack). */
export function killFfmpegChildren(): void {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
}

export interface ProcessResult { code: number; stdout: Buffer; stderr: string }

/** Run a tool to completion, optionally feeding stdin, in folder `cwd`; stdout is buffered (use for small outputs). */
export function runTool(cmd: string, args: string[], stdin?: Uint8Array, cwd?: string): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
    live.add(child);
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); if (err.length > 64_000) err = err.slice(-32_000); });
    child.on('error', (e) => { live.delete(child); reject(new Error(`cannot run ${cmd}: ${e.message}; is ffmpeg installed?`)); });
    child.on('close', (code) => { live.delete(child); resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: err }); });
    child.stdin.on('error', () => { /* the tool may exit early; its exit code reports why */ });
    if (stdin) child.stdin.end(stdin);
    else child.stdin.end();
  });
}

/** Cuts a raw video byte stream into frames of `frameBytes`: `push` returns the frames a chunk of bytes completes. */
class RawFrameCutter {
  private current: Uint8Array;
  private filled = 0;
  constructor(private readonly frameBytes: number) { this.current = new Uint8Array(frameBytes); }

  push(d: Uint8Array): Uint8Array[] {
    const done: Uint8Array[] = [];
    let off = 0;
    while (off < d.length) {
      const n = Math.min(this.frameBytes - this.filled, d.length - off);
      this.current.set(d.subarray(off, off + n), this.filled);
      this.filled += n; off += n;
      if (this.filled === this.frameBytes) {
        done.push(this.current);
        this.current = new Uint8Array(this.frameBytes);
        this.filled = 0;
      }
    }
    return done;
  }
}

/** Decode: run ffmpeg writing rawvideo to stdout and cut it into frames of `frameBytes`. */
export function readRawFrames(args: string[], frameBytes: number, onFrame?: (index: number) => void): Promise<{ frames: Uint8Array[]; code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    const frames: Uint8Array[] = [];
    const cutter = new RawFrameCutter(frameBytes);
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      for (const f of cutter.push(d)) {
        frames.push(f);
        onFrame?.(frames.length);
      }
    });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); if (err.length > 64_000) err = err.slice(-32_000); });
    child.on('error', (e) => { live.delete(child); reject(new Error(`cannot run ffmpeg: ${e.message}; is ffmpeg installed?`)); });
    child.on('close', (code) => { live.delete(child); resolve({ frames, code: code ?? 1, stderr: err }); });
  });
}

/**
 * Decode as a stream: frames of `frameBytes` one at a time, ffmpeg paused while the consumer works (the pipe's
 * back-pressure), so memory holds a frame or two whatever the video's length. Throws at the end if ffmpeg failed.
 */
export async function* streamRawFrames(args: string[], frameBytes: number): AsyncGenerator<Uint8Array> {
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); if (err.length > 64_000) err = err.slice(-32_000); });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (e) => { live.delete(child); reject(new Error(`cannot run ffmpeg: ${e.message}; is ffmpeg installed?`)); });
    child.on('close', (code) => { live.delete(child); resolve(code ?? 1); });
  });
  const cutter = new RawFrameCutter(frameBytes);
  try {
    for await (const d of child.stdout as AsyncIterable<Buffer>) yield* cutter.push(d);
    const code = await exited;
    if (code !== 0) throw new Error(`ffmpeg failed: ${lastErrorLine(err)}`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** Encode: feed raw frames to ffmpeg's stdin one at a time, respecting back-pressure. */
export function writeRawFrames(args: string[], frames: Iterable<Uint8Array>): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(child);
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); if (err.length > 64_000) err = err.slice(-32_000); });
    child.stdout.on('data', () => { /* output goes to a file */ });
    child.on('error', (e) => { live.delete(child); reject(new Error(`cannot run ffmpeg: ${e.message}; is ffmpeg installed?`)); });
    child.on('close', (code) => { live.delete(child); resolve({ code: code ?? 1, stdout: Buffer.alloc(0), stderr: err }); });
    child.stdin.on('error', () => { /* reported through the exit code */ });
    const it = frames[Symbol.iterator]();
    const pump = (): void => {
      for (;;) {
        const next = it.next();
        if (next.done) { child.stdin.end(); return; }
        if (!child.stdin.write(next.value)) { child.stdin.once('drain', pump); return; }
      }
    };
    pump();
  });
}

/** The last meaningful line of ffmpeg's stderr, for one-line error messages. */
export function lastErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  return lines[lines.length - 1] ?? 'no message';
}

// Test helper: runs `dydca <command>` as a real child process, as the bin does (node with tsx's loader, one
// process, so a signal reaches the CLI itself), capturing exit code, stdout and stderr. `spawnBin` runs
// bin/dydca.mjs itself, the way `npx dydca` does.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

export interface CliRun { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function collect(child: ChildProcess): Promise<CliRun> {
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise<CliRun>((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
}

export function spawnDydca(command: 'pack' | 'eval' | 'analyze' | 'worker' | 'status', args: string[], cwd = root): { child: ChildProcess; done: Promise<CliRun> } {
  const loader = import.meta.resolve('tsx');
  // own process group so a test can signal the packer and everything it started together
  const child = spawn(process.execPath, ['--import', loader, join(root, 'src', 'cli', 'main.ts'), command, ...args],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  return { child, done: collect(child) };
}

export function runDydca(command: 'pack' | 'eval' | 'analyze' | 'worker' | 'status', args: string[], cwd = root): Promise<CliRun> {
  return spawnDydca(command, args, cwd).done;
}

/** `node bin/dydca.mjs <args>`, in its own process group (signal the bin alone with `child.kill`). */
export function spawnBin(args: string[]): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [join(root, 'bin', 'dydca.mjs'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  return { child, done: collect(child) };
}

/**
 * Writes `file`: `seconds` of real video at width x height (a cut of the demo clip from 2 s, or ffmpeg's mandelbrot
 * source when the clip cannot be fetched: it still exercises the whole pipeline), H.264 near-lossless.
 */
export function cutTestClip(file: string, width: number, height: number, seconds: number): string {
  let source: string[] = ['-f', 'lavfi', '-i', `mandelbrot=size=${width}x${height}:rate=20`];
  try {
    const demo = execFileSync(process.execPath, [join(root, 'scripts', 'fetch-demo-clip.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (existsSync(demo)) source = ['-ss', '2', '-i', demo];
  } catch { /* offline: the synthetic source */ }
  execFileSync('ffmpeg', ['-v', 'error', ...source, '-t', String(seconds), '-vf', `scale=${width}:${height}`, '-c:v', 'libx264', '-crf', '8', '-pix_fmt', 'yuv420p', file]);
  return file;
}

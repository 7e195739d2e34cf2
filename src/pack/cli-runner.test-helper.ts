// Test helper: runs `dydca <command>` as a real child process (the dispatcher src/cli/main.ts when it
// exists, else the command module directly), capturing exit code, stdout and stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

export interface CliRun { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export function spawnDydca(command: 'pack' | 'eval', args: string[]): { child: ChildProcess; done: Promise<CliRun> } {
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const main = join(root, 'src', 'cli', 'main.ts');
  const fn = command === 'pack' ? 'runPack' : 'runEval';
  const argv = existsSync(main)
    ? [main, command, ...args]
    : ['--eval', `import(${JSON.stringify(join(root, 'src', 'cli', `${command}.ts`))}).then(async (m) => { process.exitCode = await m.${fn}(${JSON.stringify(args)}); })`];
  // own process group so a test can signal tsx and the packer it runs together
  const child = spawn(tsx, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const done = new Promise<CliRun>((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
  return { child, done };
}

export function runDydca(command: 'pack' | 'eval', args: string[]): Promise<CliRun> {
  return spawnDydca(command, args).done;
}

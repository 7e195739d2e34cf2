#!/usr/bin/env node
// The dydca command: runs the TypeScript CLI with tsx's loader so `npx dydca ...` works right after `npm ci`.
// One child node process (no tsx CLI in between, whose signal relay SIGKILLs a child that is busy for 60 ms);
// SIGINT/SIGTERM/SIGHUP are forwarded to it, and its exit code (or its signal) becomes ours.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsxLoader = import.meta.resolve('tsx');
const child = spawn(process.execPath, ['--import', tsxLoader, join(root, 'src/cli/main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });

const forward = (signal) => { if (child.exitCode === null && child.signalCode === null) child.kill(signal); };
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);

child.on('error', (e) => {
  process.stderr.write(`dydca: cannot start node for the CLI: ${e.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) {
    // die of the same signal, so a parent shell sees what happened; our handler must step aside first
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.off(s, forward);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});

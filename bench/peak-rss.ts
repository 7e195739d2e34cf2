// Runs a command and samples its whole process tree's memory from /proc every 500 ms: the peak RSS of the largest
// single process and the peak of the tree's sum (a worker's sandboxed job children and ffmpeg included), which
// `/usr/bin/time -v` does not give (it reports the largest waited-for descendant only). Linux only.
//   npx tsx bench/peak-rss.ts [--label NAME] -- COMMAND ARGS...
// Prints one line at the end: `[peak-rss] NAME: largest process X MB (pid, command), tree Y MB, Z s`.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const sep = process.argv.indexOf('--');
if (sep < 0 || sep === process.argv.length - 1) {
  console.error('usage: npx tsx bench/peak-rss.ts [--label NAME] -- COMMAND ARGS...');
  process.exit(2);
}
const labelAt = process.argv.indexOf('--label');
const label = labelAt > 0 && labelAt < sep ? process.argv[labelAt + 1] : process.argv[sep + 1];
const [cmd, ...args] = process.argv.slice(sep + 1);

const PAGE_KB = 4;
interface Proc { pid: number; ppid: number; rssKb: number; comm: string }

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // comm is in parentheses and may hold spaces: the fields after its closing one are fixed
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      out.push({ pid: Number(name), ppid: Number(fields[1]), rssKb: Number(fields[21]) * PAGE_KB, comm: stat.slice(stat.indexOf('(') + 1, close) });
    } catch { /* gone between the listing and the read */ }
  }
  return out;
}

function tree(root: number, all: Proc[]): Proc[] {
  const kids = new Map<number, Proc[]>();
  for (const p of all) kids.set(p.ppid, [...(kids.get(p.ppid) ?? []), p]);
  const found: Proc[] = [];
  const stack = all.filter((p) => p.pid === root);
  while (stack.length > 0) {
    const p = stack.pop()!;
    found.push(p);
    stack.push(...(kids.get(p.pid) ?? []));
  }
  return found;
}

const t0 = performance.now();
const child = spawn(cmd, args, { stdio: 'inherit' });
let largest = { rssKb: 0, pid: 0, comm: '' };
let treeKb = 0;
const sample = (): void => {
  if (child.pid === undefined) return;
  const procs = tree(child.pid, processes());
  const sum = procs.reduce((s, p) => s + p.rssKb, 0);
  if (sum > treeKb) treeKb = sum;
  for (const p of procs) if (p.rssKb > largest.rssKb) largest = { rssKb: p.rssKb, pid: p.pid, comm: p.comm };
};
const timer = setInterval(sample, 500);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => {
  clearInterval(timer);
  const mb = (kb: number): string => (kb / 1024).toFixed(0);
  console.log(`[peak-rss] ${label}: largest process ${mb(largest.rssKb)} MB (pid ${largest.pid}, ${largest.comm}), tree ${mb(treeKb)} MB, ` +
    `${((performance.now() - t0) / 1000).toFixed(1)} s, exit ${code ?? signal}`);
  process.exit(code ?? 1);
});

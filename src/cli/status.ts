// `dydca status --queue URL [--json]`: the packs in flight on a queue (their stage and progress) and the queue's job counts.
import { InputError } from '../pack/ingest.js';
import { parseArgs, renderHelp, usageLine, withHelp, type CommandHelp } from '../pack/cli-args.js';
import { listPacks } from '../pack/queue/pack-queue.js';
import { checkRedis, parseRedisUrl } from '../pack/queue/redis-url.js';
import { progressBar } from '../pack/progress.js';
import { reportFailure } from './cli-errors.js';

export const STATUS_HELP: CommandHelp = {
  name: 'status',
  summary: 'the packs in flight on a queue (their stage and progress) and the queue\'s job counts',
  synopsis: '--queue redis://HOST:PORT[/DB] [--json]',
  args: [],
  flags: {
    queue: { kind: 'string', value: 'redis://HOST:PORT[/DB]', default: 'required', help: 'the Redis the packs were submitted to' },
    json: { kind: 'boolean', help: 'print {packs, jobs} as one JSON object' },
  },
  examples: [
    ['dydca status --queue redis://127.0.0.1:6379', 'one line per pack in flight, then the job counts'],
    ['dydca status --queue redis://127.0.0.1:6379 --json', 'the same as JSON'],
  ],
  notes: ['exit status: 0; 2 bad options or Redis unreachable. More: docs/packager.md'],
};
const USAGE = usageLine(STATUS_HELP);

export async function runStatus(argv: string[]): Promise<number> {
  try {
    const args = parseArgs('status', argv, withHelp(STATUS_HELP.flags));
    if (args.flags.get('help')) { process.stdout.write(renderHelp(STATUS_HELP)); return 0; }
    const q = args.flags.get('queue');
    if (typeof q !== 'string') throw new InputError(`dydca status: --queue redis://HOST:PORT[/DB] is required; ${USAGE}`);
    const target = parseRedisUrl(q);
    await checkRedis(target);
    const { packs, counts } = await listPacks(target);
    if (args.flags.get('json')) { process.stdout.write(`${JSON.stringify({ packs, jobs: counts })}\n`); return 0; }
    const lines = packs.length === 0 ? ['no packs in flight'] : packs.map((p) => `${p.out}  ${p.stage} ${progressBar(p.done, p.total, 10)}  (from ${p.input}, since ${p.since})`);
    lines.push(`jobs: ${counts.active ?? 0} active, ${counts.waiting ?? 0} waiting, ${counts.delayed ?? 0} retrying later, ${counts.failed ?? 0} failed`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (e) {
    return reportFailure('status', e);
  }
}

// `dydca status --queue URL [--json]`: the packs in flight on a queue (their stage and progress) and the queue's job counts.
import { InputError } from '../pack/ingest.js';
import { parseArgs } from '../pack/cli-args.js';
import { listPacks } from '../pack/queue/pack-queue.js';
import { checkRedis, parseRedisUrl } from '../pack/queue/redis-url.js';
import { progressBar } from '../pack/progress.js';
import { reportFailure } from './cli-errors.js';

const USAGE = 'usage: dydca status --queue redis://HOST:PORT[/DB] [--json]';

export async function runStatus(argv: string[]): Promise<number> {
  try {
    const args = parseArgs('status', argv, { queue: 'string', json: 'boolean', help: 'boolean' });
    if (args.flags.get('help')) { process.stdout.write(`${USAGE}\n`); return 0; }
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

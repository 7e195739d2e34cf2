// `dydca worker --queue URL [--concurrency N] [--stalled-seconds S]`: runs pack jobs from the queue until SIGTERM or
// SIGINT (the jobs in progress finish first; a second signal exits at once). Any number of workers, on any machines
// that mount the packs' work folders at the same paths.
import { InputError } from '../pack/ingest.js';
import { intFlag, parseArgs, renderHelp, usageLine, withHelp, type CommandHelp } from '../pack/cli-args.js';
import { runPackWorker } from '../pack/queue/pack-worker.js';
import { checkRedis, parseRedisUrl } from '../pack/queue/redis-url.js';
import { reportFailure } from './cli-errors.js';

export const WORKER_HELP: CommandHelp = {
  name: 'worker',
  summary: 'run pack jobs from a queue (BullMQ on Redis) until SIGTERM, each job in its own process',
  synopsis: '--queue redis://HOST:PORT[/DB] [--concurrency N] [--stalled-seconds S]',
  args: [],
  flags: {
    queue: { kind: 'string', value: 'redis://HOST:PORT[/DB]', default: 'required', help: 'the Redis that `dydca pack --queue` submits to' },
    concurrency: { kind: 'number', value: 'N', default: '1', help: 'jobs run at once by this worker' },
    'stalled-seconds': { kind: 'number', value: 'S', default: '30', help: 'a job whose worker stops renewing its lock this long is taken over by another worker' },
  },
  examples: [
    ['dydca worker --queue redis://127.0.0.1:6379', 'one job at a time on this machine'],
    ['dydca worker --queue redis://queue-host:6379/2 --concurrency 2', 'two jobs at once, Redis database 2 on another machine'],
  ],
  notes: ['Every worker must see the packs\' work folders (and input videos) at the same paths as `dydca pack` (e.g. an NFS mount).',
    'exit status: 0 stopped by SIGTERM/SIGINT (after the jobs in progress); 2 bad options or Redis unreachable. More: docs/packager.md'],
};
const USAGE = usageLine(WORKER_HELP);

export async function runWorker(argv: string[]): Promise<number> {
  try {
    const args = parseArgs('worker', argv, withHelp(WORKER_HELP.flags));
    if (args.flags.get('help')) { process.stdout.write(renderHelp(WORKER_HELP)); return 0; }
    if (args.positional.length > 0) throw new InputError(`dydca worker: unexpected argument ${args.positional[0]}; ${USAGE}`);
    const q = args.flags.get('queue');
    if (typeof q !== 'string') throw new InputError(`dydca worker: --queue redis://HOST:PORT[/DB] is required; ${USAGE}`);
    const target = parseRedisUrl(q);
    const concurrency = intFlag('worker', args, 'concurrency', 1, 1, 64);
    const stalledSeconds = intFlag('worker', args, 'stalled-seconds', 30, 1, 3600);
    await checkRedis(target);
    const stop = new AbortController();
    let signals = 0;
    const onSignal = (): void => {
      if (++signals > 1) process.exit(130);
      stop.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    await runPackWorker(target, { concurrency, stalledSeconds }, stop.signal, (line) => process.stdout.write(`${line}\n`));
    return 0;
  } catch (e) {
    return reportFailure('worker', e);
  }
}

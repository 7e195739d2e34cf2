// `dydca worker --queue URL [--concurrency N] [--stalled-seconds S]`: runs pack jobs from the queue until SIGTERM or
// SIGINT (the jobs in progress finish first; a second signal exits at once). Any number of workers, on any machines
// that mount the packs' work folders at the same paths.
import { InputError } from '../pack/ingest.js';
import { intFlag, parseArgs } from '../pack/cli-args.js';
import { runPackWorker } from '../pack/queue/pack-worker.js';
import { checkRedis, parseRedisUrl } from '../pack/queue/redis-url.js';
import { reportFailure } from './cli-errors.js';

const USAGE = 'usage: dydca worker --queue redis://HOST:PORT[/DB] [--concurrency N] [--stalled-seconds S]';

export async function runWorker(argv: string[]): Promise<number> {
  try {
    const args = parseArgs('worker', argv, { queue: 'string', concurrency: 'number', 'stalled-seconds': 'number', help: 'boolean' });
    if (args.flags.get('help')) { process.stdout.write(`${USAGE}\n`); return 0; }
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

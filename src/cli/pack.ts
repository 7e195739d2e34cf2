// `dydca pack <video> --out <dir> ...`: parses and checks options, runs the packer, prints a one-line
// error (exit 2 on bad input, 1 otherwise; 130/143 when interrupted), a JSON summary with --json.
import { killFfmpegChildren } from '../pack/ffmpeg-process.js';
import { InputError } from '../pack/ingest.js';
import { InterruptedError, interruptOnSignals } from '../pack/interrupt.js';
import { reportFailure } from './cli-errors.js';
import { intFlag, oneOf, parseArgs } from '../pack/cli-args.js';
import { defaultBasePatch, pack, PACK_LOSS, type PackOptions } from '../pack/packer.js';
import { stderrProgress } from '../pack/progress.js';
import { DEFAULT_THRESHOLDS } from '../pack/splitter.js';
import { TRAINER_KINDS } from '../train/trainer.js';
import { psnrSummaryLine, summarizePsnr } from '../format/psnr.js';

/**
 * Default training budget: 700 steps of batch 16. Set for the tfjs-wasm trainer (about 0.6 steps/s on this
 * 2-core machine when idle, 0.3 when shared: ~20 min); the default ort trainer runs them about 4x faster
 * (docs/model-and-training.md). --train-seconds bounds training by time instead.
 */
export const DEFAULT_STEPS = 700;

/** Step cap of a --train-seconds run without --steps: the clock ends training long before. */
const TIMED_STEP_CAP = 10_000_000;

/** Upper bound of --max-gflops-per-frame: more than any frame the manifest limits allow costs with the default paths. */
const MAX_GFLOP_BUDGET = 1e6;

/** Upper bound of --start and --seconds (about 11.5 days). */
const MAX_SECONDS = 1_000_000;

const USAGE = 'usage: dydca pack <video> --out <dir> [--scale 2|3|4] [--start S] [--seconds S] [--max-width W] [--paths 1..4] ' +
  '[--steps N] [--train-seconds S] [--trainer ort|tfjs-wasm] [--method dydca|nas|stdo] [--models K] [--scorer bicubic|trained] [--patch P] [--thresholds 40,30] [--batch N] [--lr RATE] [--loss l2|l1] [--crop-sampling error|uniform] [--crf Q] [--seed N] [--max-gflops-per-frame G] [--force] [--quiet] [--json]';

export async function runPack(argv: string[]): Promise<number> {
  let opts: PackOptions;
  let json = false, quiet = false;
  try {
    const args = parseArgs('pack', argv, {
      out: 'string', scale: 'number', start: 'number', seconds: 'number', 'max-width': 'number', paths: 'number', steps: 'number', 'train-seconds': 'number', trainer: 'string',
      method: 'string', scorer: 'string', patch: 'number', thresholds: 'string', batch: 'number', models: 'number', lr: 'number', loss: 'string', 'crop-sampling': 'string', crf: 'number', seed: 'number', 'max-gflops-per-frame': 'number',
      json: 'boolean', quiet: 'boolean', help: 'boolean', force: 'boolean',
    });
    if (args.flags.get('help')) { process.stdout.write(`${USAGE}\n`); return 0; }
    if (args.positional.length !== 1) throw new InputError(`dydca pack: expected one input video; got ${args.positional.length}. ${USAGE}`);
    const out = args.flags.get('out');
    if (typeof out !== 'string' || out === '') throw new InputError('dydca pack: --out <dir> is required');
    const scale = oneOf('pack', 'scale', args.flags.get('scale') ?? 2, [2, 3, 4] as const);
    const method = oneOf('pack', 'method', args.flags.get('method') ?? 'dydca', ['dydca', 'nas', 'stdo'] as const);
    const thresholds = String(args.flags.get('thresholds') ?? DEFAULT_THRESHOLDS.join(',')).split(',').map(Number);
    if (thresholds.some((t) => !Number.isFinite(t))) throw new InputError(`dydca pack: --thresholds must be comma-separated dB values`);
    const start = Number(args.flags.get('start') ?? 0);
    const seconds = args.flags.has('seconds') ? Number(args.flags.get('seconds')) : null;
    // bounded so ffmpeg gets a plain decimal; a year of video is beyond what the packer holds in memory anyway
    if (!(start >= 0 && start <= MAX_SECONDS)) throw new InputError(`dydca pack: --start must be in 0..${MAX_SECONDS} seconds; got ${start}`);
    if (seconds !== null && !(seconds >= 0.001 && seconds <= MAX_SECONDS)) throw new InputError(`dydca pack: --seconds must be in 0.001..${MAX_SECONDS}; got ${seconds}`);
    const paths = intFlag('pack', args, 'paths', 3, 1, 4);
    const basePatch = intFlag('pack', args, 'patch', defaultBasePatch(scale), 8, 512);
    if (basePatch % 2 ** (paths - 1) !== 0) throw new InputError(`dydca pack: --patch ${basePatch} must be divisible by ${2 ** (paths - 1)} for ${paths} paths`);
    if (thresholds.length < paths - 1) throw new InputError(`dydca pack: ${paths} paths need ${paths - 1} thresholds; got ${thresholds.length}`);
    const trainSeconds = args.flags.has('train-seconds') ? Number(args.flags.get('train-seconds')) : null;
    if (trainSeconds !== null && !(trainSeconds > 0 && trainSeconds <= MAX_SECONDS)) throw new InputError(`dydca pack: --train-seconds must be in (0, ${MAX_SECONDS}] seconds; got ${args.flags.get('train-seconds')}`);
    const maxGflopsPerFrame = gflopBudgetFlag(args.flags.get('max-gflops-per-frame'), method);
    opts = {
      input: args.positional[0], out, scale, start, seconds,
      maxWidth: args.flags.has('max-width') ? intFlag('pack', args, 'max-width', 0, 16, 16384) : null,
      paths, steps: intFlag('pack', args, 'steps', trainSeconds === null ? DEFAULT_STEPS : TIMED_STEP_CAP, 1, 10_000_000), trainSeconds,
      trainer: oneOf('pack', 'trainer', args.flags.get('trainer') ?? 'ort', TRAINER_KINDS), batchSize: intFlag('pack', args, 'batch', 16, 1, 1024),
      learningRate: learningRateFlag(args.flags.get('lr')),
      loss: oneOf('pack', 'loss', args.flags.get('loss') ?? PACK_LOSS, ['l2', 'l1'] as const),
      cropSampling: oneOf('pack', 'crop-sampling', args.flags.get('crop-sampling') ?? 'error', ['error', 'uniform'] as const),
      method, models: intFlag('pack', args, 'models', 3, 1, 16), scorer: oneOf('pack', 'scorer', args.flags.get('scorer') ?? 'bicubic', ['bicubic', 'trained'] as const),
      basePatch, thresholds, crf: intFlag('pack', args, 'crf', 12, 0, 51), seed: intFlag('pack', args, 'seed', 1, 0, 2 ** 31),
      force: args.flags.get('force') === true, maxGflopsPerFrame,
    };
    json = args.flags.get('json') === true;
    quiet = args.flags.get('quiet') === true;
  } catch (e) {
    return fail(e);
  }
  const out = opts.out;
  const interrupted = (e: InterruptedError): number => {
    process.stderr.write(`\ndydca pack: interrupted by ${e.signal}; nothing was written to ${out}\n`);
    return e.exitCode;
  };
  // a second signal after the first has had a second to act: exit now; the watchdog removes the temp folder
  const interrupt = interruptOnSignals(() => killFfmpegChildren(), (e) => process.exit(interrupted(e)));
  try {
    const summary = await pack(opts, stderrProgress(quiet), interrupt.signal);
    const m = summary.manifest.metrics;
    // frames SR and bicubic both reproduce exactly (black frames) are counted apart: at the 100 dB cap they would
    // lift both means by tens of dB (src/format/psnr.ts summarizePsnr)
    if (!quiet) process.stderr.write(`[done] ${summary.out}: ${psnrSummaryLine(summarizePsnr(m.psnrSRPerFrame, m.psnrBicubicPerFrame))}, ${summary.seconds} s\n`);
    if (json) process.stdout.write(JSON.stringify({ out: summary.out, seconds: summary.seconds, bytes: summary.bytes, manifest: summary.manifest, warnings: summary.warnings }) + '\n');
    return 0;
  } catch (e) {
    if (e instanceof InterruptedError) return interrupted(e);
    return fail(e);
  } finally {
    interrupt.dispose();
  }
}

function fail(e: unknown): number {
  return reportFailure('pack', e);
}

function learningRateFlag(v: string | number | boolean | undefined): number {
  if (v === undefined) return 1e-3;
  if (typeof v !== 'number' || !(v > 0 && v < 1)) throw new InputError(`dydca pack: --lr must be a number in (0, 1); got ${String(v)}`);
  return v;
}

/** --max-gflops-per-frame: a positive number; the baselines' single-path models are not sized to it. */
function gflopBudgetFlag(v: string | number | boolean | undefined, method: PackOptions['method']): number | null {
  if (v === undefined) return null;
  if (typeof v !== 'number' || !(v > 0 && v <= MAX_GFLOP_BUDGET)) throw new InputError(`dydca pack: --max-gflops-per-frame must be a number of GFLOP in (0, ${MAX_GFLOP_BUDGET}]; got ${String(v)}`);
  if (method !== 'dydca') throw new InputError(`dydca pack: --max-gflops-per-frame sizes the paths of --method dydca only; got --method ${method}`);
  return v;
}

// `dydca pack <video> --out <dir> ...`: parses and checks options, runs the packer, prints a one-line
// error (exit 2 on bad input, 1 otherwise; 130/143 when interrupted), a JSON summary with --json.
import { killFfmpegChildren } from '../pack/ffmpeg-process.js';
import { InputError } from '../pack/ingest.js';
import { InterruptedError, interruptOnSignals } from '../pack/interrupt.js';
import { lockOutput, type OutputLock } from '../pack/output-lock.js';
import { reportFailure } from './cli-errors.js';
import { intFlag, oneOf, parseArgs, type ParsedArgs, renderHelp, usageLine, withHelp, type CommandHelp } from '../pack/cli-args.js';
import { DEFAULT_REUSE_MARGIN, defaultBasePatch, ladderPatch, PACK_LOSS, type PackOptions } from '../pack/pack-options.js';
import { planPack, type PackPlan } from '../pack/pack-plan.js';
import { DEFAULT_TIERS, MAX_TIERS } from '../pack/tiers.js';
import { defaultWorkDir, runPackInProcess } from '../pack/run-in-process.js';
import { checkOutputPath } from '../pack/atomic-output.js';
import { stderrProgress, type ProgressReporter } from '../pack/progress.js';
import type { PackSummary } from '../pack/stages/finish-stage.js';
import { runPackOnQueue } from '../pack/queue/pack-queue.js';
import { checkRedis, parseRedisUrl, type RedisTarget } from '../pack/queue/redis-url.js';
import { basename, join } from 'node:path';
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

/** `dydca pack`'s options, as data: the parser reads the kinds, `--help` renders the rest (a new option is one line). */
export const PACK_HELP: CommandHelp = {
  name: 'pack',
  summary: 'make a pack folder (LR stream, patch layout, SR model, manifest) from a video',
  synopsis: '<video> --out DIR [options]  |  <video>... --out-dir DIR [options]',
  args: [['<video>', 'any local video file ffmpeg can read (no URLs); several with --out-dir']],
  flags: {
    out: { kind: 'string', value: 'DIR', default: 'required', help: 'the pack folder to write (written elsewhere, renamed at the end)' },
    scale: { kind: 'number', value: '2|3|4', default: '2', help: 'upscaling factor: LR is the HR frame divided by it' },
    start: { kind: 'number', value: 'S', default: '0', help: 'start this many seconds into the video' },
    seconds: { kind: 'number', value: 'S', default: 'to the end', help: 'pack this many seconds' },
    'max-width': { kind: 'number', value: 'W', default: 'the source width', help: 'scale the source down to at most W px wide first (it is then the HR reference)' },
    paths: { kind: 'number', value: '1..4', default: '3', help: 'SR paths (patch sizes) in the dynamic model' },
    steps: { kind: 'number', value: 'N', default: `${DEFAULT_STEPS}; unbounded with --train-seconds`, help: 'training steps' },
    'train-seconds': { kind: 'number', value: 'S', default: 'none: --steps bounds training', help: 'train for this many seconds of wall clock instead' },
    trainer: { kind: 'string', value: TRAINER_KINDS.join('|'), default: 'ort', help: 'training backend' },
    method: { kind: 'string', value: 'dydca|nas|stdo', default: 'dydca', help: 'Dy-DCA, or a baseline of the paper\'s Table 2' },
    models: { kind: 'number', value: 'K', default: '3', help: 'models of the nas/stdo baselines' },
    scorer: { kind: 'string', value: 'bicubic|trained', default: 'bicubic', help: 'what scores patches for the splitter' },
    patch: { kind: 'number', value: 'P', default: `by scale: ${[2, 3, 4].map((s) => `${defaultBasePatch(s)} at x${s}`).join(', ')}`, help: 'largest patch side (LR px); must divide by 2^(paths-1)' },
    thresholds: { kind: 'string', value: 'DB,DB', default: DEFAULT_THRESHOLDS.join(','), help: 'splitter PSNR thresholds, one fewer than --paths' },
    batch: { kind: 'number', value: 'N', default: '16', help: 'training batch size' },
    lr: { kind: 'number', value: 'RATE', default: '1e-3', help: 'learning rate, in (0, 1)' },
    loss: { kind: 'string', value: 'l2|l1', default: PACK_LOSS, help: 'training loss' },
    'crop-sampling': { kind: 'string', value: 'error|uniform', default: 'error', help: 'training crops drawn by their share of bicubic error, or uniformly' },
    crf: { kind: 'number', value: 'Q', default: '12', help: 'H.264 quality of lr.mp4 (0 best .. 51)' },
    seed: { kind: 'number', value: 'N', default: '1', help: 'random seed of training' },
    'max-gflops-per-frame': { kind: 'number', value: 'G', default: 'none', help: 'size the paths so each frame\'s SR costs at most G GFLOP' },
    'reuse-margin': { kind: 'number', value: 'DB', default: String(DEFAULT_REUSE_MARGIN), help: 'reuse map: each frame as played at most DB below full SR (patches reused or bicubic); 0 = off' },
    tiers: { kind: 'number', value: 'N', default: `${DEFAULT_TIERS} (1 with --ladder or --method nas|stdo)`, help: 'models of falling cost in the pack: the full one, then one sized for a phone, each further one half the one before; 1 = off' },
    ladder: { kind: 'string', value: 'S,S,...', default: 'none: one LR rendition at --scale', help: 'a bitrate ladder: one LR rendition, layout and model per scale (2|3|4, distinct), a master playlist' },
    'out-dir': { kind: 'string', value: 'DIR', default: 'none', help: 'several videos: each packed into DIR/<its name> (instead of --out)' },
    work: { kind: 'string', value: 'DIR', default: '<out>.dydca-work', help: 'work folder: finished jobs kept there, so a rerun resumes' },
    queue: { kind: 'string', value: 'redis://HOST:PORT[/DB]', default: 'none: jobs run in this process', help: 'run the jobs on `dydca worker`s through this Redis (BullMQ)' },
    force: { kind: 'boolean', help: 'replace whatever stands at --out (never the input video)' },
    quiet: { kind: 'boolean', help: 'no progress or [done] line on stderr' },
    json: { kind: 'boolean', help: 'print a JSON summary on stdout' },
  },
  examples: [
    ['dydca pack clip.mp4 --out packs/clip', 'x2, the whole clip, default training'],
    ['dydca pack clip.mp4 --out packs/clip-x4 --scale 4 --seconds 10 --train-seconds 600', 'x4, 10 s, ten minutes of training'],
    ['dydca pack clip.mp4 --out packs/phone --max-width 960 --max-gflops-per-frame 10 --json', 'sized for a weak GPU, JSON summary'],
    ['dydca pack a.mp4 b.mp4 --out-dir packs --queue redis://127.0.0.1:6379', 'two videos on the workers of a queue (run dydca worker too)'],
  ],
  notes: ['exit status: 0 done; 2 bad input (one line on stderr); 1 other failures; 130/143 interrupted. More: docs/packager.md'],
};
const USAGE = usageLine(PACK_HELP);

export async function runPack(argv: string[]): Promise<number> {
  let opts: PackOptions;
  let json = false, quiet = false;
  let work: string | null = null;
  let queue: RedisTarget | null = null;
  /** with --out-dir: every input and its output folder */
  let batch: { input: string; out: string }[] = [];
  const t0 = performance.now();
  try {
    const args = parseArgs('pack', argv, withHelp(PACK_HELP.flags));
    if (args.flags.get('help')) { process.stdout.write(renderHelp(PACK_HELP)); return 0; }
    const outDir = args.flags.get('out-dir');
    if (outDir !== undefined) {
      if (typeof outDir !== 'string' || outDir === '') throw new InputError('dydca pack: --out-dir needs a folder');
      if (args.flags.has('out') || args.flags.has('work')) throw new InputError('dydca pack: --out-dir names each pack\'s folder itself (<dir>/<video name>); drop --out and --work');
      if (args.positional.length === 0) throw new InputError(`dydca pack: expected input videos; got none. ${USAGE}`);
      batch = batchOutputs(args.positional, outDir);
      args.flags.set('out', batch[0].out);
    } else if (args.positional.length !== 1) {
      throw new InputError(`dydca pack: expected one input video (several with --out-dir DIR); got ${args.positional.length}. ${USAGE}`);
    }
    const out = args.flags.get('out');
    if (typeof out !== 'string' || out === '') throw new InputError('dydca pack: --out <dir> is required (or --out-dir <dir> for several videos)');
    const q = args.flags.get('queue');
    if (q !== undefined) queue = parseRedisUrl(String(q));
    const ladderScales = args.flags.has('ladder') ? ladderFlag(args.flags.get('ladder')) : null;
    if (ladderScales !== null && args.flags.has('scale') && Number(args.flags.get('scale')) !== ladderScales[0]) {
      throw new InputError(`dydca pack: with --ladder the top-level pack is its smallest scale (${ladderScales[0]}); drop --scale or make it ${ladderScales[0]}`);
    }
    const scale = ladderScales !== null ? ladderScales[0] : oneOf('pack', 'scale', args.flags.get('scale') ?? 2, [2, 3, 4] as const);
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
    // each rung's patch side: --patch for all, or each scale's default (x3 beside x2 or x4: 32, see ladderPatch)
    const ladder = ladderScales?.map((s) => ({ scale: s, basePatch: args.flags.has('patch') ? basePatch : ladderPatch(s, ladderScales) })) ?? null;
    if (ladder !== null && method !== 'dydca') throw new InputError(`dydca pack: --ladder packs --method dydca only; got --method ${method}`);
    const badRung = ladder?.find((r) => r.basePatch % 2 ** (paths - 1) !== 0);
    if (badRung) throw new InputError(`dydca pack: the x${badRung.scale} rung's patch ${badRung.basePatch} must be divisible by ${2 ** (paths - 1)} for ${paths} paths; set --patch or fewer --paths`);
    if (thresholds.length < paths - 1) throw new InputError(`dydca pack: ${paths} paths need ${paths - 1} thresholds; got ${thresholds.length}`);
    const trainSeconds = args.flags.has('train-seconds') ? Number(args.flags.get('train-seconds')) : null;
    if (trainSeconds !== null && !(trainSeconds > 0 && trainSeconds <= MAX_SECONDS)) throw new InputError(`dydca pack: --train-seconds must be in (0, ${MAX_SECONDS}] seconds; got ${args.flags.get('train-seconds')}`);
    const maxGflopsPerFrame = gflopBudgetFlag(args.flags.get('max-gflops-per-frame'), method);
    const tiers = tiersFlag(args, method, ladder !== null);
    opts = {
      input: args.positional[0], out, scale, start, seconds,
      maxWidth: args.flags.has('max-width') ? intFlag('pack', args, 'max-width', 0, 16, 16384) : null,
      paths, steps: intFlag('pack', args, 'steps', trainSeconds === null ? DEFAULT_STEPS : TIMED_STEP_CAP, 1, 10_000_000), trainSeconds,
      trainer: oneOf('pack', 'trainer', args.flags.get('trainer') ?? 'ort', TRAINER_KINDS), batchSize: intFlag('pack', args, 'batch', 16, 1, 1024),
      learningRate: learningRateFlag(args.flags.get('lr')),
      loss: oneOf('pack', 'loss', args.flags.get('loss') ?? PACK_LOSS, ['l2', 'l1'] as const),
      cropSampling: oneOf('pack', 'crop-sampling', args.flags.get('crop-sampling') ?? 'error', ['error', 'uniform'] as const),
      method, models: intFlag('pack', args, 'models', 3, 1, 16), scorer: oneOf('pack', 'scorer', args.flags.get('scorer') ?? 'bicubic', ['bicubic', 'trained'] as const),
      // the top level is the ladder's first rung, with its patch (x3 in a ladder: ladderPatch)
      basePatch: ladder !== null ? ladder[0].basePatch : basePatch, thresholds, crf: intFlag('pack', args, 'crf', 12, 0, 51), seed: intFlag('pack', args, 'seed', 1, 0, 2 ** 31),
      force: args.flags.get('force') === true, maxGflopsPerFrame, reuseMargin: reuseMarginFlag(args.flags.get('reuse-margin')), ...(ladder !== null ? { ladder } : {}),
      tiers,
    };
    json = args.flags.get('json') === true;
    const w = args.flags.get('work');
    if (w !== undefined && (typeof w !== 'string' || w === '')) throw new InputError('dydca pack: --work needs a folder');
    work = (w as string | undefined) ?? null;
    quiet = args.flags.get('quiet') === true;
  } catch (e) {
    return fail(e);
  }
  const jobs = batch.length > 0 ? batch.map((b) => ({ opts: { ...opts, input: b.input, out: b.out }, workDir: defaultWorkDir(b.out) }))
    : [{ opts, workDir: work ?? defaultWorkDir(opts.out) }];
  // one run per output folder: a second run into it refuses, naming the first (released in finally, or on exit)
  const locks: OutputLock[] = [];
  try { for (const j of jobs) locks.push(lockOutput(j.opts.out)); } catch (e) { for (const l of locks) l.release(); return fail(e); }
  const interrupted = (e: InterruptedError): number => {
    process.stderr.write(`\ndydca pack: interrupted by ${e.signal}; nothing was written to ${jobs.map((j) => j.opts.out).join(', ')}; ` +
      `the finished work is kept in ${jobs.map((j) => j.workDir).join(', ')}: run the same command to resume\n`);
    return e.exitCode;
  };
  // a second signal after the first has had a second to act: exit now
  const interrupt = interruptOnSignals(() => killFfmpegChildren(), (e) => process.exit(interrupted(e)));
  try {
    const progress = stderrProgress(quiet);
    if (queue) await checkRedis(queue);
    // bad or unwritable output paths fail in a second, before the probe and the long work
    for (const j of jobs) checkOutputPath(j.opts.out, { force: j.opts.force, protect: [j.opts.input] });
    const plans: PackPlan[] = [];
    for (const j of jobs) plans.push(await planPack(j.opts));
    const packOne = async (k: number): Promise<PackSummary> => {
      const p = jobs.length > 1 ? prefixed(progress, plans[k].input.name) : progress;
      const summary = queue ? await runPackOnQueue(plans[k], jobs[k].workDir, queue, p, interrupt.signal)
        : await runPackInProcess(plans[k], jobs[k].workDir, p, interrupt.signal);
      for (const w of summary.warnings) p.warn(w);
      const m = summary.manifest.metrics;
      // frames SR and bicubic both reproduce exactly (black frames) are counted apart: at the 100 dB cap they would
      // lift both means by tens of dB (src/format/psnr.ts summarizePsnr)
      const g = summary.manifest.gflopsPerFrame;
      if (!quiet && m.psnrSRPlayed !== undefined && g?.executed) {
        process.stderr.write(`[reuse] as played with the reuse map: SR ${m.psnrSRPlayed} dB (full SR ${m.psnrSR}), ${g.executed.mean} GFLOP per frame executed (full SR ${g.mean})\n`);
      }
      if (!quiet) process.stderr.write(`[done] ${summary.out}: ${psnrSummaryLine(summarizePsnr(m.psnrSRPerFrame, m.psnrBicubicPerFrame))}, ${round1((performance.now() - t0) / 1000)} s\n`);
      return summary;
    };
    // on a queue every pack's jobs share the workers; in this process the packs run one after another
    const summaries: PackSummary[] = [];
    if (queue) summaries.push(...await Promise.all(plans.map((_, k) => packOne(k))));
    else for (let k = 0; k < plans.length; k++) summaries.push(await packOne(k));
    if (json) {
      const one = (s: PackSummary): object => ({ out: s.out, seconds: round1((performance.now() - t0) / 1000), bytes: s.bytes, manifest: s.manifest, warnings: s.warnings });
      process.stdout.write(JSON.stringify(batch.length > 0 ? { packs: summaries.map(one) } : one(summaries[0])) + '\n');
    }
    return 0;
  } catch (e) {
    if (e instanceof InterruptedError) return interrupted(e);
    // the signal killed ffmpeg mid-job: its failure ("encoding ... failed") is the interruption, not an error
    if (interrupt.signal.aborted) return interrupted(interrupt.signal.reason as InterruptedError);
    return fail(e);
  } finally {
    interrupt.dispose();
    for (const l of locks) l.release();
  }
}

/** `--out-dir DIR`: each input's pack at DIR/<its name without extension>, refusing two inputs of the same name. */
function batchOutputs(inputs: string[], dir: string): { input: string; out: string }[] {
  const seen = new Map<string, string>();
  return inputs.map((input) => {
    const name = basename(input).replace(/\.[^.]+$/, '') || 'pack';
    const other = seen.get(name);
    if (other !== undefined) throw new InputError(`dydca pack: ${other} and ${input} would both pack into ${join(dir, name)}; rename one or pack them apart`);
    seen.set(name, input);
    return { input, out: join(dir, name) };
  });
}

/** Progress lines of one of several packs, prefixed with its video's name. */
function prefixed(p: ProgressReporter, name: string): ProgressReporter {
  return { ...p, stage: (stage, message) => p.stage(stage, `${name}: ${message}`), line: (text) => p.line(`${text} (${name})`), warn: (m) => p.warn(`${name}: ${m}`) };
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

function fail(e: unknown): number {
  return reportFailure('pack', e);
}

function learningRateFlag(v: string | number | boolean | undefined): number {
  if (v === undefined) return 1e-3;
  if (typeof v !== 'number' || !(v > 0 && v < 1)) throw new InputError(`dydca pack: --lr must be a number in (0, 1); got ${String(v)}`);
  return v;
}

/** --reuse-margin: dB in 0..10 (0: no reuse map). */
function reuseMarginFlag(v: string | number | boolean | undefined): number {
  if (v === undefined) return DEFAULT_REUSE_MARGIN;
  const n = Number(v);
  if (typeof v === 'boolean' || !(n >= 0 && n <= 10)) throw new InputError(`dydca pack: --reuse-margin must be a number of dB in 0..10 (0 turns the reuse map off); got ${String(v)}`);
  return n;
}

/** --ladder S,S,...: distinct scales among 2, 3, 4, returned rising (the first is the top-level pack). */
function ladderFlag(v: string | number | boolean | undefined): (2 | 3 | 4)[] {
  const parts = String(v).split(',').map((t) => t.trim());
  const scales = parts.map(Number);
  if (typeof v === 'boolean' || parts.length === 0 || !scales.every((s) => s === 2 || s === 3 || s === 4) || new Set(scales).size !== scales.length) {
    throw new InputError(`dydca pack: --ladder must be distinct scales among 2, 3, 4, comma-separated (e.g. 4,3,2); got ${String(v)}`);
  }
  return (scales as (2 | 3 | 4)[]).sort((a, b) => a - b);
}

/** --tiers N: 1..MAX_TIERS; more than one for Dy-DCA without --ladder only (a rung carries one model; a baseline several). */
function tiersFlag(args: ParsedArgs, method: PackOptions['method'], ladder: boolean): number {
  if (!args.flags.has('tiers')) return method === 'dydca' && !ladder ? DEFAULT_TIERS : 1;
  const n = intFlag('pack', args, 'tiers', DEFAULT_TIERS, 1, MAX_TIERS);
  if (n > 1 && ladder) throw new InputError(`dydca pack: --tiers ${n} with --ladder: a ladder's rungs carry one model each; drop --tiers (or --tiers 1) or --ladder`);
  if (n > 1 && method !== 'dydca') throw new InputError(`dydca pack: --tiers ${n} needs --method dydca (the baselines carry one model per chunk or group); got --method ${method}`);
  return n;
}

/** --max-gflops-per-frame: a positive number; the baselines' single-path models are not sized to it. */
function gflopBudgetFlag(v: string | number | boolean | undefined, method: PackOptions['method']): number | null {
  if (v === undefined) return null;
  if (typeof v !== 'number' || !(v > 0 && v <= MAX_GFLOP_BUDGET)) throw new InputError(`dydca pack: --max-gflops-per-frame must be a number of GFLOP in (0, ${MAX_GFLOP_BUDGET}]; got ${String(v)}`);
  if (method !== 'dydca') throw new InputError(`dydca pack: --max-gflops-per-frame sizes the paths of --method dydca only; got --method ${method}`);
  return v;
}

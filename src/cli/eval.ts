// `dydca eval <pack dir> [--json]`: re-runs the pack's model with onnxruntime-node and prints per-frame
// and mean PSNR and SSIM of SR and bicubic (a table, or one JSON object with --json). Exit 2 on a bad pack, 1 otherwise.
import { intFlag, parseArgs, renderHelp, usageLine, withHelp, type CommandHelp } from '../pack/cli-args.js';
import { evaluatePack, isMeasuredFrame, readManifest } from '../pack/evaluate.js';
import { stderrProgress } from '../pack/progress.js';
import { InputError } from '../pack/ingest.js';
import { reportFailure } from './cli-errors.js';
import { psnrSummaryLine } from '../format/psnr.js';

/** `dydca eval`'s options, as data (src/pack/cli-args.ts renders --help from it). */
export const EVAL_HELP: CommandHelp = {
  name: 'eval',
  summary: 'PSNR and SSIM of a pack\'s SR and bicubic against its HR reference (onnxruntime-node)',
  synopsis: '<pack dir> [--json] [--segment-stride K] [--quiet]',
  args: [['<pack dir>', 'a folder made by dydca pack (read as untrusted input)']],
  flags: {
    json: { kind: 'boolean', help: 'print one JSON object (per-frame lists, means, summary) instead of the table' },
    'segment-stride': { kind: 'number', value: 'K', default: '1 (every frame)', help: 'measure every K-th segment only (all of its frames): a quick look at a long pack; GFLOP still cover every frame' },
    quiet: { kind: 'boolean', help: 'no progress on stderr' },
  },
  examples: [
    ['dydca eval public/demo', 'the per-frame table and the summary line'],
    ['dydca eval packs/clip --json > eval.json', 'everything as JSON'],
    ['dydca eval packs/ten-minutes --segment-stride 20', 'one segment in 20 (SR of a 1080p frame takes seconds on a CPU)'],
  ],
  notes: ['The reference is the decoded hr.mp4, so the numbers are close to but not equal to the manifest\'s metrics.',
    'exit status: 0 done; 2 a bad pack (one line on stderr naming the file); 1 other failures. More: docs/packager.md'],
};

export async function runEval(argv: string[]): Promise<number> {
  try {
    const args = parseArgs('eval', argv, withHelp(EVAL_HELP.flags));
    if (args.flags.get('help')) { process.stdout.write(renderHelp(EVAL_HELP)); return 0; }
    if (args.positional.length !== 1) throw new InputError(`dydca eval: expected one pack folder; got ${args.positional.length}. ${usageLine(EVAL_HELP)}`);
    const segmentStride = intFlag('eval', args, 'segment-stride', 1, 1, 1_000_000);
    const dir = args.positional[0];
    // a long pack takes minutes to hours (SR of every measured frame on the CPU): a bar with the ETA on stderr
    // from the first frame on: a pack refused before then (its checks, its models) is one line on stderr
    const progress = stderrProgress(args.flags.get('quiet') === true);
    const m = readManifest(dir);
    // the bar counts measured frames: they are where the time goes (the others are only decoded)
    const total = Array.from({ length: m.frames }, (_, n) => isMeasuredFrame(n, m.patches.segments?.frames ?? null, segmentStride)).filter(Boolean).length;
    const onFrame = (n: number, measured: number): void => {
      if (n === 1) {
        progress.stage('eval', `${dir}: ${m.frames} frames${segmentStride > 1 ? `, ${total} of them measured (every ${segmentStride}th segment)` : ''}`);
        progress.jobs('measured frames', 0, total);
      }
      progress.jobs('measured frames', measured, total);
    };
    const report = await evaluatePack(dir, { segmentStride, onFrame });
    if (args.flags.get('json')) {
      process.stdout.write(JSON.stringify(report) + '\n');
    } else {
      const lines = ['frame  SR dB   bicubic dB  SR SSIM  bicubic SSIM'];
      const ssims = (i: number): string => `  ${report.ssimSRPerFrame[i].toFixed(4)}   ${report.ssimBicubicPerFrame[i].toFixed(4)}`;
      report.psnrSRPerFrame.forEach((v, i) => lines.push(`${String(report.measuredFrames?.[i] ?? i).padStart(5)}  ${v.toFixed(2).padStart(6)}  ${report.psnrBicubicPerFrame[i].toFixed(2).padStart(6)}     ${ssims(i)}`));
      if (report.measuredFrames) lines.push(`(${report.measuredFrames.length} of ${report.frames} frames measured: every ${segmentStride}th segment)`);
      lines.push(`mean   ${report.psnrSR.toFixed(2).padStart(6)}  ${report.psnrBicubic.toFixed(2).padStart(6)}       ${report.ssimSR.toFixed(4)}   ${report.ssimBicubic.toFixed(4)}` +
        `   (gain ${(report.psnrSR - report.psnrBicubic).toFixed(2)} dB, SSIM ${(report.ssimSR - report.ssimBicubic).toFixed(4)}; reference hr.mp4; SSIM on luma)`);
      lines.push(`summary: ${psnrSummaryLine(report.summary)}`);
      lines.push(`model cost: ${report.gflopsPerFrame.mean} GFLOP per frame (mean), ${report.gflopsPerFrame.max} (max)`);
      lines.push(`as played with the reuse map: SR ${report.psnrSRPlayed.toFixed(2)} dB (full SR ${report.psnrSR.toFixed(2)}), executed ${report.executedGflopsPerFrame.mean} GFLOP per frame (mean), ${report.executedGflopsPerFrame.max} (max)`);
      for (const t of report.tiers ?? []) {
        const played = t.psnrSRPlayed !== undefined && t.executedGflopsPerFrame ? `; as played with the reuse map ${t.psnrSRPlayed.toFixed(2)} dB, ${t.executedGflopsPerFrame.mean} GFLOP per frame executed` : '';
        lines.push(`tier ${t.tier} (${t.file}): SR ${t.psnrSR.toFixed(2)} dB (gain ${(t.psnrSR - report.psnrBicubic).toFixed(2)}; packer ${t.packed.psnrSR.toFixed(2)}), ${t.gflopsPerFrame.mean} GFLOP per frame (mean), ${t.gflopsPerFrame.max} (max)${played}`);
      }
      process.stdout.write(lines.join('\n') + '\n');
    }
    return 0;
  } catch (e) {
    return reportFailure('eval', e);
  }
}

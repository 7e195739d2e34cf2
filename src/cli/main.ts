// The `dydca` command: dispatches `analyze`, `pack`, `eval`, `worker` and `status` to their modules (loaded on demand,
// so a missing or broken one fails with a clear line instead of taking the others down).
import { pathToFileURL } from 'node:url';

type CommandRunner = (argv: string[]) => Promise<number>;

/** Every command, as data: `dydca --help` is rendered from it; each command renders its own `--help` from its flag table. */
const COMMANDS: Record<string, { synopsis: string; summary: string; example: string; load: () => Promise<CommandRunner> }> = {
  analyze: { synopsis: '<model.onnx> [--input NAME=DIMS]... [--json]', summary: 'the compiler\'s data-flow analysis of a model', example: 'dydca analyze public/demo/model.onnx --input lr=Nx3x40x40', load: async () => (await import('./analyze.js')).runAnalyze },
  pack: { synopsis: '<video> --out DIR [options]  |  <video>... --out-dir DIR [options]', summary: 'make a pack folder (LR stream, layout, model, manifest) from a video', example: 'dydca pack clip.mp4 --out packs/clip --scale 2', load: async () => (await import('./pack.js')).runPack },
  eval: { synopsis: '<pack dir> [--json] [--segment-stride K] [--quiet]', summary: 'PSNR and SSIM of a pack\'s SR and bicubic against its HR reference', example: 'dydca eval packs/clip', load: async () => (await import('./eval.js')).runEval },
  worker: { synopsis: '--queue redis://HOST:PORT[/DB] [--concurrency N] [--stalled-seconds S]', summary: 'run pack jobs from a queue (BullMQ on Redis), on any number of machines', example: 'dydca worker --queue redis://127.0.0.1:6379 --concurrency 2', load: async () => (await import('./worker.js')).runWorker },
  status: { synopsis: '--queue redis://HOST:PORT[/DB] [--json]', summary: 'the packs in flight on a queue: stage and progress', example: 'dydca status --queue redis://127.0.0.1:6379', load: async () => (await import('./status.js')).runStatus },
};

function renderUsage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => [`${name} ${c.synopsis}`, c.summary]);
  const width = Math.max(...rows.map(([l]) => l.length));
  return ['dydca: super-resolution video streaming (Dy-DCA): pack a video with a model overfitted to it, check a pack, analyse a model', '',
    'usage: dydca <command> [args]', '', 'commands:', ...rows.map(([l, r]) => `  ${l.padEnd(width)}   ${r}`), '',
    'examples:', ...Object.values(COMMANDS).map((c) => `  ${c.example}`), '',
    'dydca <command> --help lists a command\'s options with their defaults, and more examples.'].join('\n');
}

export const USAGE = renderUsage();

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') { process.stdout.write(`${USAGE}\n`); return 0; }
  if (command === undefined) { process.stderr.write(`dydca: no command given (commands: ${Object.keys(COMMANDS).join(', ')}; dydca --help)\n`); return 2; }
  const entry = COMMANDS[command];
  if (!entry) { process.stderr.write(`dydca: unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')})\n`); return 2; }
  let run: CommandRunner;
  try {
    run = await entry.load();
  } catch (e) {
    process.stderr.write(`dydca ${command}: this command is not available in this build (${(e as Error).message.split('\n')[0]})\n`);
    return 1;
  }
  if (typeof run !== 'function') { process.stderr.write(`dydca ${command}: this command is not available in this build (its module exports no runner)\n`); return 1; }
  return run(rest);
}

// run only as the entry point, so tests can import main()
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
    process.stderr.write(`dydca: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}

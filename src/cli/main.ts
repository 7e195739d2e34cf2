// The `dydca` command: dispatches `analyze`, `pack`, `eval`, `worker` and `status` to their modules (loaded on demand,
// so a missing or broken one fails with a clear line instead of taking the others down).
import { pathToFileURL } from 'node:url';

type CommandRunner = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandRunner> }> = {
  analyze: { summary: 'analyze <model.onnx> [--input NAME=DIMS]... [--json]   data-flow analysis of shapes and values', load: async () => (await import('./analyze.js')).runAnalyze },
  pack: { summary: 'pack <video> --out <dir> [options]                        build a dydca pack from a video', load: async () => (await import('./pack.js')).runPack },
  eval: { summary: 'eval <pack dir> [--json]                                  PSNR of a pack\'s SR and bicubic', load: async () => (await import('./eval.js')).runEval },
  worker: { summary: 'worker --queue redis://HOST:PORT [--concurrency N]      run pack jobs from a queue', load: async () => (await import('./worker.js')).runWorker },
  status: { summary: 'status --queue redis://HOST:PORT [--json]               packs in flight on a queue', load: async () => (await import('./status.js')).runStatus },
};

export const USAGE = ['usage: dydca <command> [args]', '', 'commands:', ...Object.values(COMMANDS).map((c) => `  ${c.summary}`), '',
  'dydca <command> --help for a command\'s options'].join('\n');

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

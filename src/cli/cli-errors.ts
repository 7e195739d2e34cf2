// One line on stderr per failure, and the exit status: 2 for bad input (InputError: the user can fix it),
// 1 for anything else. Library errors name PackOptions fields; here they become the CLI's flag names.
import { fsErrorCode, describeFsError } from '../pack/fs-errors.js';
import { InputError } from '../pack/ingest.js';

export const EXIT_RUNTIME = 1;
export const EXIT_BAD_INPUT = 2;

/** PackOptions fields whose flag is not their kebab-case name. */
const FLAG_NAMES: Record<string, string> = { basePatch: 'patch', batchSize: 'batch', learningRate: 'lr' };

/** `maxWidth` -> `--max-width`, `basePatch` -> `--patch` */
export function flagOf(option: string): string {
  return `--${FLAG_NAMES[option] ?? option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The line the CLI prints for an error (without the trailing newline) and its exit status. */
export function failureLine(command: string, e: unknown): { line: string; code: number } {
  let message: string;
  let code = EXIT_RUNTIME;
  if (e instanceof InputError) {
    code = EXIT_BAD_INPUT;
    message = e.message;
    if (e.options.includes('force')) message += `; choose another ${flagOf('out')}, or pass ${flagOf('force')} to replace it`;
    else if (e.options.length > 0) message += ` (see ${e.options.map(flagOf).join(', ')})`;
  } else if (fsErrorCode(e) !== null) {
    message = describeFsError(e);
  } else {
    message = e instanceof Error ? e.message : String(e);
  }
  const first = message.split('\n')[0];
  return { line: first.startsWith(`dydca ${command}`) ? first : `dydca ${command}: ${first}`, code };
}

export function reportFailure(command: string, e: unknown): number {
  const { line, code } = failureLine(command, e);
  process.stderr.write(`${line}\n`);
  return code;
}

// A small strict parser for `--flag value` / `--flag=value` / `--switch` arguments: unknown flags,
// missing values and malformed numbers become one-line InputErrors.
import { InputError } from './ingest.js';

export type FlagKind = 'string' | 'number' | 'boolean';

/**
 * One option of a command, as data: the parser reads `kind`, `--help` renders the rest. Adding an option is one line
 * in the command's table: `queue: { kind: 'string', value: 'URL', default: 'none (in-process)', help: 'run the jobs on BullMQ workers' }`.
 */
export interface FlagDef {
  kind: FlagKind;
  /** the value's placeholder in help (`DIR`, `2|3|4`); none for a boolean switch */
  value?: string;
  /** the default, in words (`2`, `the source width`, `required`); omitted for switches that are off unless given */
  default?: string;
  /** one line: what it does */
  help: string;
}

/** A command's option table (a plain kind is accepted for options that help does not need to describe). */
export interface FlagSpec { [name: string]: FlagKind | FlagDef }

/** What `dydca <command> --help` prints, all from data: the synopsis, every option with its default, examples. */
export interface CommandHelp {
  /** `pack`, `eval`, ... */
  name: string;
  /** one line: what the command does */
  summary: string;
  /** after `dydca <name> `: `<video> --out DIR [options]` */
  synopsis: string;
  /** what the positional arguments are, one line each (`<video>  any file ffmpeg reads`) */
  args?: [string, string][];
  flags: { [name: string]: FlagDef };
  /** [command line, what it does] */
  examples: [string, string][];
  /** lines after the options (exit status, more reading) */
  notes?: string[];
}

const HELP_FLAG: FlagDef = { kind: 'boolean', help: 'print this help and exit' };

/** The flag table with --help added, as parseArgs reads it. */
export function withHelp(flags: { [name: string]: FlagDef }): { [name: string]: FlagDef } {
  return { ...flags, help: flags.help ?? HELP_FLAG };
}

/** Renders `dydca <command> --help` from its table. */
export function renderHelp(c: CommandHelp): string {
  const flags = withHelp(c.flags);
  const left = (name: string, f: FlagDef) => `--${name}${f.value ? ` ${f.value}` : ''}`;
  const rows: [string, string][] = [
    ...(c.args ?? []),
    ...Object.entries(flags).map(([name, f]): [string, string] => [left(name, f), `${f.help}${f.default === 'required' ? ' (required)' : f.default !== undefined ? ` (default: ${f.default})` : ''}`]),
  ];
  const width = Math.min(32, Math.max(...rows.map(([l]) => l.length)));
  const row = ([l, r]: [string, string]) => (l.length > width ? `  ${l}\n  ${' '.repeat(width)}  ${r}` : `  ${l.padEnd(width)}  ${r}`);
  const examplesWidth = Math.max(...c.examples.map(([cmd]) => cmd.length));
  return [
    `dydca ${c.name}: ${c.summary}`, '',
    `usage: dydca ${c.name} ${c.synopsis}`, '',
    ...(c.args?.length ? ['arguments:', ...c.args.map(row), ''] : []),
    'options:', ...rows.slice(c.args?.length ?? 0).map(row), '',
    'examples:', ...c.examples.map(([cmd, what]) => examplesWidth + what.length > 100 ? `  ${cmd}\n      ${what}` : `  ${cmd.padEnd(examplesWidth)}   # ${what}`),
    ...(c.notes?.length ? ['', ...c.notes] : []),
  ].join('\n') + '\n';
}

/** The short usage line of a command for error messages: `usage: dydca pack <video> --out DIR [options]; dydca pack --help`. */
export const usageLine = (c: Pick<CommandHelp, 'name' | 'synopsis'>): string => `usage: dydca ${c.name} ${c.synopsis}; dydca ${c.name} --help lists the options`;

export interface ParsedArgs { positional: string[]; flags: Map<string, string | number | boolean> }

export function parseArgs(command: string, argv: string[], spec: FlagSpec): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | number | boolean>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) { positional.push(a); continue; }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const def = Object.hasOwn(spec, name) ? spec[name] : undefined;
    const kind = typeof def === 'object' ? def.kind : def;
    if (!kind) throw new InputError(`dydca ${command}: unknown option --${name} (known: ${Object.keys(spec).map((k) => `--${k}`).join(' ')})`);
    if (kind === 'boolean') {
      if (eq >= 0) throw new InputError(`dydca ${command}: --${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    const raw = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (raw === undefined) throw new InputError(`dydca ${command}: --${name} needs a value`);
    if (kind === 'number') {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v)) throw new InputError(`dydca ${command}: --${name} must be a number; got '${raw}'`);
      flags.set(name, v);
    } else flags.set(name, raw);
  }
  return { positional, flags };
}

/** A numeric flag, checked to be an integer within [min, max]. */
export function intFlag(command: string, args: ParsedArgs, name: string, fallback: number, min: number, max: number): number {
  const v = args.flags.get(name) ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InputError(`dydca ${command}: --${name} must be an integer in ${min}..${max}; got ${String(v)}`);
  }
  return v;
}

export function oneOf<T extends string | number>(command: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new InputError(`dydca ${command}: --${name} must be one of ${allowed.join(', ')}; got ${String(value)}`);
  return value as T;
}

// A small strict parser for `--flag value` / `--flag=value` / `--switch` arguments: unknown flags,
// missing values and malformed numbers become one-line InputErrors.
import { InputError } from './ingest.js';

export interface FlagSpec { [name: string]: 'string' | 'number' | 'boolean' }

export interface ParsedArgs { positional: string[]; flags: Map<string, string | number | boolean> }

export function parseArgs(command: string, argv: string[], spec: FlagSpec): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | number | boolean>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) { positional.push(a); continue; }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const kind = spec[name];
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

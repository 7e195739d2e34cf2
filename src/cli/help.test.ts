// `--help` of every command, rendered from its flag table (src/pack/cli-args.ts): a synopsis, every option with its
// default and one line, examples; `dydca --help` lists the commands with examples.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseArgs, renderHelp, type CommandHelp, type FlagDef } from '../pack/cli-args.js';
import { ANALYZE_HELP } from './analyze.js';
import { EVAL_HELP } from './eval.js';
import { main } from './main.js';
import { PACK_HELP } from './pack.js';
import { STATUS_HELP } from './status.js';
import { WORKER_HELP } from './worker.js';

afterEach(() => { vi.restoreAllMocks(); });

async function helpOf(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err.push(String(s)); return true; });
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, out: out.join(''), err: err.join('') };
}

describe.each<[string, CommandHelp]>([['pack', PACK_HELP], ['eval', EVAL_HELP], ['analyze', ANALYZE_HELP], ['worker', WORKER_HELP], ['status', STATUS_HELP]])('dydca %s --help', (name, table) => {
  it('prints the synopsis, every option with its default and one line, and examples, on stdout, exit 0', async () => {
    const { code, out, err } = await helpOf([name, '--help']);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toContain(`usage: dydca ${name} ${table.synopsis}\n`);
    const lines = out.split('\n');
    const help: FlagDef = { kind: 'boolean', help: 'print this help and exit' };
    for (const [flag, def] of Object.entries<FlagDef>({ ...table.flags, help })) {
      const line = lines.find((l) => l.startsWith(`  --${flag}${def.value ? ` ${def.value}` : ''} `) || l.trimEnd() === `  --${flag}${def.value ? ` ${def.value}` : ''}`);
      expect(line, `--${flag} is listed`).toBeDefined();
      const text = out.slice(out.indexOf(line!));
      expect(text.split('\n').slice(0, 2).join(' ')).toContain(def.help);
      if (def.default !== undefined) expect(text.split('\n').slice(0, 2).join(' ')).toContain(def.default === 'required' ? '(required)' : `(default: ${def.default})`);
    }
    const examples = lines.slice(lines.indexOf('examples:') + 1).filter((l) => l.startsWith(`  dydca ${name} `));
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });
});

describe('dydca --help', () => {
  it('lists every command with its synopsis and an example', async () => {
    const { code, out } = await helpOf(['--help']);
    expect(code).toBe(0);
    for (const [name, table] of [['pack', PACK_HELP], ['eval', EVAL_HELP], ['analyze', ANALYZE_HELP], ['worker', WORKER_HELP], ['status', STATUS_HELP]] as const) {
      expect(out).toContain(`  ${name} ${table.synopsis} `);
      expect(out).toMatch(new RegExp(`\\n  dydca ${name} `));
    }
    expect(out).toContain('dydca <command> --help');
  });
});

describe('the flag table is the parser\'s spec', () => {
  const table: CommandHelp = {
    name: 'demo', summary: 'a command', synopsis: '<x> [options]',
    flags: {
      out: { kind: 'string', value: 'DIR', default: 'required', help: 'where' },
      // adding an option is one line:
      queue: { kind: 'string', value: 'URL', default: 'none (in-process)', help: 'run the jobs on BullMQ workers' },
      json: { kind: 'boolean', help: 'JSON' },
    },
    examples: [['dydca demo a --out b', 'one'], ['dydca demo a --out b --queue redis://h:6379', 'two']],
  };
  it('parses by the kinds it declares', () => {
    const a = parseArgs('demo', ['x', '--out', 'o', '--queue=redis://h:6379', '--json'], table.flags);
    expect(a.positional).toEqual(['x']);
    expect([...a.flags]).toEqual([['out', 'o'], ['queue', 'redis://h:6379'], ['json', true]]);
    expect(() => parseArgs('demo', ['--constructor', '1'], table.flags)).toThrow(/unknown option --constructor/);
  });
  it('renders help aligned, with defaults', () => {
    expect(renderHelp(table)).toBe([
      'dydca demo: a command', '', 'usage: dydca demo <x> [options]', '',
      'options:',
      '  --out DIR    where (required)',
      '  --queue URL  run the jobs on BullMQ workers (default: none (in-process))',
      '  --json       JSON',
      '  --help       print this help and exit', '',
      'examples:',
      '  dydca demo a --out b                          # one',
      '  dydca demo a --out b --queue redis://h:6379   # two', '',
    ].join('\n'));
  });
});

// `dydca analyze <model.onnx> [--input NAME=DIMS]... [--json]`: runs the data-flow analysis and prints
// the JSON object of docs/compiler-analysis.md, or a readable table of every tensor's shape and value state.
import { readFile } from 'node:fs/promises';
import { analyzeModel, toContractJson, type Analysis, type AnalysisJson, type InputShapes, type JsonDim } from '../compiler/analysis.js';
import type { Model } from '../onnx/graph.js';
import { readModel } from '../onnx/model-io.js';
import { describeFsError } from '../pack/fs-errors.js';
import { EXIT_BAD_INPUT } from './cli-errors.js';
import { renderHelp, type CommandHelp } from '../pack/cli-args.js';

export const ANALYZE_USAGE = 'usage: dydca analyze <model.onnx> [--input NAME=DIMS]... [--json]   (DIMS: x-separated numbers, symbols or ?, e.g. lr=Nx3x40x40)';

/** `dydca analyze`'s options, as data (--help is rendered from it; --input repeats, so parseAnalyzeArgs reads it). */
export const ANALYZE_HELP: CommandHelp = {
  name: 'analyze',
  summary: 'the compiler\'s data-flow analysis of an ONNX model: each tensor\'s shape and value state, each node\'s class, each If\'s branch',
  synopsis: '<model.onnx> [--input NAME=DIMS]... [--json]',
  args: [['<model.onnx>', 'an ONNX model file']],
  flags: {
    input: { kind: 'string', value: 'NAME=DIMS', default: 'the shapes the model declares', help: 'give input NAME the shape DIMS: x-separated numbers, letter-led symbols or ? (repeatable)' },
    json: { kind: 'boolean', help: 'print one JSON object {tensors, nodes, branches} instead of the table' },
  },
  examples: [
    ['dydca analyze public/demo/model.onnx', 'the table, with the model\'s own input shapes'],
    ['dydca analyze model.onnx --input lr=1x3x40x40 --json', 'a known patch shape: which If branch it takes'],
    ['dydca analyze model.onnx --input lr=Nx3xHxW', 'symbolic batch and size'],
  ],
  notes: ['exit status: 0 done; 2 bad input (one line on stderr). More: docs/compiler-analysis.md'],
};

/** A usage or input problem: reported as one line on stderr. */
export class AnalyzeInputError extends Error {}

/** Parses `NAME=DIMS`, DIMS `x`-separated: a number, a letter-led symbol, or `?` (unknown). */
export function parseInputOption(text: string): [string, (number | string | null)[]] {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) throw new AnalyzeInputError(`dydca analyze: --input expects NAME=DIMS such as lr=Nx3x40x40; got '${text}'`);
  const name = text.slice(0, eq);
  const dims = text.slice(eq + 1).split('x').map((d): number | string | null => {
    if (d === '?') return null;
    if (/^\d+$/.test(d)) return Number(d);
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(d)) return d;
    throw new AnalyzeInputError(`dydca analyze: --input ${text}: '${d}' is not a dim (use a number, a letter-led symbol or ?)`);
  });
  return [name, dims];
}

export interface AnalyzeArgs { file: string; inputs: InputShapes; json: boolean }

export function parseAnalyzeArgs(argv: string[]): AnalyzeArgs {
  const positional: string[] = [];
  const inputs: InputShapes = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--input' || a.startsWith('--input=')) {
      const value = a === '--input' ? argv[++i] : a.slice('--input='.length);
      if (value === undefined) throw new AnalyzeInputError('dydca analyze: --input needs NAME=DIMS');
      const [name, dims] = parseInputOption(value);
      if (name in inputs) throw new AnalyzeInputError(`dydca analyze: --input ${name} given twice`);
      inputs[name] = dims;
    } else if (a.startsWith('--')) throw new AnalyzeInputError(`dydca analyze: unknown option ${a}. ${ANALYZE_USAGE}`);
    else positional.push(a);
  }
  if (positional.length !== 1) throw new AnalyzeInputError(`dydca analyze: expected one model file; got ${positional.length}. ${ANALYZE_USAGE}`);
  return { file: positional[0], inputs, json };
}

async function loadModel(file: string): Promise<Model> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AnalyzeInputError(code === 'ENOENT' ? `dydca analyze: no such file '${file}'` : `dydca analyze: cannot read ${describeFsError(e, `'${file}'`)}`);
  }
  try {
    return readModel(bytes);
  } catch (e) {
    throw new AnalyzeInputError(`dydca analyze: '${file}' is not a readable ONNX model (${(e as Error).message})`);
  }
}

const dimText = (d: JsonDim): string => (d === null ? '?' : String(d));

/** The readable report: graph inputs, every computed tensor with its producer, branches, nac causes. */
export function formatAnalysisTable(model: Model, analysis: Analysis, json: AnalysisJson): string {
  const producer = new Map<string, string>();
  const visit = (nodes: Model['graph']['nodes']): void => {
    for (const n of nodes) {
      n.outputs.forEach((o) => producer.set(o, n.name));
      for (const a of Object.values(n.attributes)) if (a.type === 'graph') visit(a.value.nodes);
    }
  };
  visit(model.graph.nodes);
  const rows: string[][] = [['TENSOR', 'SHAPE', 'VALUE', 'NODE', 'OP', 'CLASS']];
  const initializers = new Set(model.graph.initializers.keys());
  for (const [name, t] of Object.entries(json.tensors)) {
    if (initializers.has(name)) continue;
    const node = producer.get(name);
    const info = node ? json.nodes[node] : undefined;
    rows.push([name, t.shape ? `[${t.shape.map(dimText).join(', ')}]` : '(rank unknown)', t.value, node ?? '(input)', info?.op ?? '', info?.class ?? '']);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
  lines.push('', `${initializers.size} initializers (known constants) not listed.`);
  const branches = Object.entries(json.branches);
  lines.push(branches.length ? `If branches: ${branches.map(([n, d]) => `${n} -> ${d}`).join(', ')}` : 'If branches: none');
  for (const c of analysis.nacCauses) lines.push(`nac: ${c.tensor} by ${c.op} node '${c.node}': ${c.reason}`);
  return lines.join('\n');
}

export async function runAnalyze(argv: string[]): Promise<number> {
  try {
    if (argv.includes('--help')) { process.stdout.write(renderHelp(ANALYZE_HELP)); return 0; }
    const args = parseAnalyzeArgs(argv);
    const model = await loadModel(args.file);
    let analysis: Analysis;
    try {
      analysis = analyzeModel(model, args.inputs);
    } catch (e) {
      throw new AnalyzeInputError(`dydca analyze: ${(e as Error).message}`);
    }
    const json = toContractJson(analysis);
    process.stdout.write(args.json ? `${JSON.stringify(json)}\n` : `${formatAnalysisTable(model, analysis, json)}\n`);
    return 0;
  } catch (e) {
    // bad input exits 2, as every dydca command does (docs/packager.md)
    if (e instanceof AnalyzeInputError) { process.stderr.write(`${e.message.split('\n')[0]}\n`); return EXIT_BAD_INPUT; }
    throw e;
  }
}

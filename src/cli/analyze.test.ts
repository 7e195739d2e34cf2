import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { analyzeModel, toContractJson } from '../compiler/analysis.js';
import { routedMarkerModel } from '../compiler/test-support/test-models.js';
import { writeModel } from '../onnx/model-io.js';
import { parseAnalyzeArgs, parseInputOption } from './analyze.js';
import { main } from './main.js';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'dydca-analyze-'));
const modelFile = join(dir, 'routed.onnx');
const model = routedMarkerModel([40, 20]);
writeFileSync(modelFile, writeModel(model));

/** Runs the real command line as a user would; resolves with exit code and both streams. */
async function dydca(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
const stderrLines = (s: string): string[] => s.split('\n').filter((l) => l && !l.startsWith('npm warn'));

describe('dydca analyze (command line)', () => {
  it('--json prints exactly the contract object, with --input resolving the route', async () => {
    const r = await dydca('analyze', modelFile, '--input', 'lr=Nx3x20x?', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toEqual(toContractJson(analyzeModel(model, { lr: ['N', 3, 20, null] })));
    expect(Object.keys(json).sort()).toEqual(['branches', 'nodes', 'tensors']);
    expect(json.branches).toEqual({ 'route/if0': 'then' });
    expect(json.tensors.hr).toEqual({ shape: ['N', 3, 40, null], value: 'nac' });
    expect(json.nodes['route/height']).toEqual({ op: 'Gather', class: 'I(S)->O(S)' });
  }, 60_000);

  it('prints a readable table without --json', async () => {
    const r = await dydca('analyze', modelFile);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^TENSOR\s+SHAPE\s+VALUE\s+NODE\s+OP\s+CLASS/);
    expect(r.stdout).toMatch(/hr\s+\[N, 3, 2\*h, 2\*w\]\s+nac\s+route\/if0\s+If\s+Exec->O\(S,V\)/);
    expect(r.stdout).toContain('If branches: route/if0 -> both');
  }, 60_000);

  it('a corrupt file and a bad --input give one clear line and exit 2 (bad input), as pack and eval do', async () => {
    const corrupt = join(dir, 'corrupt.onnx');
    writeFileSync(corrupt, 'definitely not protobuf');
    const [a, b] = await Promise.all([dydca('analyze', corrupt), dydca('analyze', modelFile, '--input', 'image=1x3x4x4')]);
    expect(a.code).toBe(2);
    expect(stderrLines(a.stderr)).toEqual([expect.stringMatching(/^dydca analyze: '.*corrupt\.onnx' is not a readable ONNX model/)]);
    expect(b.code).toBe(2);
    expect(stderrLines(b.stderr)).toEqual(["dydca analyze: --input image: the model has no input 'image' (inputs: lr)"]);
  }, 60_000);
});

describe('analyze argument parsing', () => {
  it.each([
    ['lr=Nx3x40x40', ['lr', ['N', 3, 40, 40]]],
    ['lr=1x3x?x?', ['lr', [1, 3, null, null]]],
    ['x=batchx8', ['x', ['batch', 8]]],
  ] as const)('%s', (text, expected) => { expect(parseInputOption(text)).toEqual(expected); });

  it.each([
    ['lr', /expects NAME=DIMS/],
    ['lr=', /expects NAME=DIMS/],
    ['lr=Nx3x-1', /'-1' is not a dim/],
    ['lr=Nx3x4.5', /'4.5' is not a dim/],
  ])('rejects %s', (text, error) => { expect(() => parseInputOption(text)).toThrow(error); });

  it('collects repeated --input, --json and the model path; rejects the rest', () => {
    expect(parseAnalyzeArgs(['m.onnx', '--input', 'a=1x2', '--input=b=N', '--json'])).toEqual({ file: 'm.onnx', inputs: { a: [1, 2], b: ['N'] }, json: true });
    expect(() => parseAnalyzeArgs([])).toThrow(/expected one model file; got 0/);
    expect(() => parseAnalyzeArgs(['m.onnx', '--frobnicate'])).toThrow(/unknown option --frobnicate/);
    expect(() => parseAnalyzeArgs(['m.onnx', '--input', 'a=1', '--input', 'a=2'])).toThrow(/given twice/);
  });
});

describe('dydca dispatcher', () => {
  afterEach(() => { vi.restoreAllMocks(); });
  const capture = () => {
    const out: string[] = [], err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err.push(String(s)); return true; });
    return { out, err };
  };

  it('unknown and missing commands: one line on stderr, exit 2', async () => {
    const io = capture();
    expect(await main(['frobnicate'])).toBe(2);
    expect(await main([])).toBe(2);
    expect(io.err).toEqual(["dydca: unknown command 'frobnicate' (commands: analyze, pack, eval, worker, status)\n", 'dydca: no command given (commands: analyze, pack, eval, worker, status; dydca --help)\n']);
  });

  it('--help lists every command on stdout', async () => {
    const io = capture();
    expect(await main(['--help'])).toBe(0);
    for (const c of ['analyze', 'pack', 'eval', 'worker', 'status']) expect(io.out.join('')).toContain(`  ${c} `);
  });

  it('dispatches analyze in-process', async () => {
    const io = capture();
    expect(await main(['analyze', modelFile, '--json'])).toBe(0);
    expect(JSON.parse(io.out.join('')).branches).toEqual({ 'route/if0': 'both' });
  });
});

import { describe, expect, it } from 'vitest';
import { exportDynamicSR } from '../model/export-onnx.js';
import { initWeights } from '../model/init-weights.js';
import { defaultPathSpecs } from '../model/wdsr-spec.js';
import { analyzeModel, toContractJson, type InputShapes } from './analysis.js';
import { compareWithOrt, exposeIntermediates, randomF32, runOrt } from './test-support/ort-check.js';
import { loopModel, nonZeroModel, routedMarkerModel, shapeArithmeticModel } from './test-support/test-models.js';
import type { Model } from '../onnx/graph.js';

/** Runs the analysis (symbolic or concrete input shape) and onnxruntime at one size; expects agreement. */
async function agreesWithOrt(model: Model, input: string, dims: number[], symbols: Record<string, number>, shapes?: InputShapes) {
  const analysis = analyzeModel(model, shapes);
  const out = await runOrt(exposeIntermediates(model, analysis), { [input]: { dims, data: randomF32(dims.reduce((a, b) => a * b, 1), dims.length + dims[dims.length - 1]) } });
  const cmp = compareWithOrt(analysis, out, symbols);
  expect(cmp.mismatches).toEqual([]);
  return { analysis, out, ...cmp };
}

function wdsrChain(scale: 2 | 3 | 4): Model {
  const spec = defaultPathSpecs(scale, [[12, 12]]);
  for (const p of spec.paths) { p.channels = 4; p.blocks = 2; }
  return exportDynamicSR(spec, initWeights(spec, 7));
}

describe('analysis against onnxruntime-node: WDSR chain with DepthToSpace', () => {
  const model = wdsrChain(3);
  const sizes: [number, number, number][] = [[1, 5, 7], [2, 8, 3]];
  it.each(sizes)('N=%i h=%i w=%i: every symbolic shape matches onnxruntime', async (N, h, w) => {
    const { analysis, checkedDims } = await agreesWithOrt(model, 'lr', [N, 3, h, w], { N, h, w });
    const json = toContractJson(analysis);
    expect(json.tensors.hr.shape).toEqual(['N', 3, '3*h', '3*w']);
    expect(json.tensors['p0/shuffle'].shape).toEqual(['N', 3, '3*h', '3*w']);
    expect(json.tensors['p0/tail'].shape).toEqual(['N', 27, 'h', 'w']);
    // every intermediate has a fully known-or-symbolic shape in this chain
    for (const [name, t] of Object.entries(json.tensors)) expect(t.shape, name).not.toContain(null);
    expect(checkedDims).toBeGreaterThanOrEqual(60);
    expect(json.nodes['p0/shuffle']).toEqual({ op: 'DepthToSpace', class: 'I(S)->O(S)' });
  });

  it('with a concrete input shape every dim is a number', () => {
    const json = toContractJson(analyzeModel(model, { lr: [1, 3, 10, 6] }));
    expect(json.tensors.hr.shape).toEqual([1, 3, 30, 18]);
  });
});

describe('analysis against onnxruntime-node: shape-routed If (paper routing node)', () => {
  for (const heights of [[40, 20], [40, 24, 12]]) {
    const model = routedMarkerModel(heights);
    // the path onnxruntime ran, read from the per-path marker added to its output
    const ortPath = (out: Map<string, { data: number[] }>): number => {
      const d = out.get('hr')!.data;
      return Math.round(d.reduce((a, b) => a + b, 0) / d.length / 100);
    };
    const cases = heights.flatMap((h, k) => [h, h + 4].map((x) => ({ h: x, path: k })));
    it.each(cases)(`${heights.length} paths: input height $h resolves statically to the branch onnxruntime takes`, async ({ h, path }) => {
      const w = 6;
      const { analysis, out } = await agreesWithOrt(model, 'lr', [2, 3, h, w], { N: 2, w }, { lr: ['N', 3, h, w] });
      expect(ortPath(out)).toBe(path);
      // path k means: Ifs 0..k-1 took "then", If k (when it exists) took "else"
      for (let k = 0; k < heights.length - 1; k++) {
        const expected = k < path ? 'then' : k === path ? 'else' : undefined;
        expect(analysis.branches.get(`route/if${k}`), `route/if${k}`).toBe(expected);
      }
      expect(toContractJson(analysis).tensors.hr.shape).toEqual(['N', 3, 2 * h, 12]);
      expect(analysis.tensors.get('route/height')!.value).toEqual({ kind: 'const', elems: [h] });
    });

    it(`${heights.length} paths: a known height routes even when the width is unknown`, async () => {
      const h = heights[heights.length - 1];
      const { analysis } = await agreesWithOrt(model, 'lr', [1, 3, h, 7], { N: 1 }, { lr: ['N', 3, h, null] });
      expect(analysis.branches.get(`route/if${heights.length - 2}`)).toBe('then');
      expect(toContractJson(analysis).tensors['route/shape'].value).toBe('nac');
      expect(toContractJson(analysis).tensors.hr.shape).toEqual(['N', 3, 2 * h, null]);
    });

    it(`${heights.length} paths: unknown height analyses both branches and Merges their equal shapes`, async () => {
      const { analysis } = await agreesWithOrt(model, 'lr', [1, 3, 9, 5], { N: 1, h: 9, w: 5 });
      const json = toContractJson(analysis);
      expect(json.branches).toEqual(Object.fromEntries(heights.slice(1).map((_, k) => [`route/if${k}`, 'both'])));
      expect(json.tensors['route/height']).toEqual({ shape: [], value: 'symbolic' });
      expect(json.tensors['route/less0'].value).toBe('nac');
      expect(json.tensors.hr.shape).toEqual(['N', 3, '2*h', '2*w']);
      // every path's tensors were analysed, under their own names
      heights.forEach((_, k) => expect(json.tensors[`p${k}/shuffle`].shape).toEqual(['N', 3, '2*h', '2*w']));
      expect(json.nodes['route/if0'].class).toBe('Exec->O(S,V)');
      expect(json.nodes['route/shape'].class).toBe('I(S)->O(S,V)');
    });
  }

  it('Merge of branches with different shapes keeps what they share', () => {
    const model = routedMarkerModel([40, 20]);
    const thenG = model.graph.nodes.find((n) => n.opType === 'If')!.attributes.then_branch;
    if (thenG.type !== 'graph') throw new Error('no then branch');
    // make the then-branch upscale by 4 instead of 2: the Merge cannot keep the spatial dims
    const shuffle = thenG.value.nodes.find((n) => n.opType === 'DepthToSpace')!;
    shuffle.attributes.blocksize = { type: 'int', value: 1 };
    const json = toContractJson(analyzeModel(model));
    expect(json.tensors.hr.shape).toEqual(['N', null, null, null]);
  });
});

describe('analysis against onnxruntime-node: shape arithmetic', () => {
  const model = shapeArithmeticModel();
  const sizes: [number, number, number, number][] = [[2, 2, 6, 5], [1, 3, 9, 12], [3, 1, 4, 4]];
  it.each(sizes)('N=%i C=%i h=%i w=%i: shapes and tracked values match onnxruntime', async (N, C, h, w) => {
    const { analysis, checkedElems } = await agreesWithOrt(model, 'x', [N, C, h, w], { N, C, h, w });
    const json = toContractJson(analysis);
    expect(json.tensors.flat.shape).toEqual(['C*N', 'h*w']);
    expect(json.tensors.flat2.shape).toEqual(['C*N', 'h*w']);
    expect(json.tensors.range.shape).toEqual(['h']);
    expect(json.tensors.padded.shape).toEqual(['N', 'C', 'h+4', 'w+2']);
    expect(json.tensors.strided.shape).toEqual(['N', 2, 'floor((h+1)/2)+1', 'floor((w+1)/2)']);
    expect(json.tensors.up.shape).toEqual(['N', 'C', '2*h', '2*w']);
    expect(json.tensors.target).toEqual({ shape: [2], value: 'symbolic' });
    expect(json.tensors.fill.shape).toEqual(['N', 'C', 'h', 'w']);
    expect(json.nodes.flat.class).toBe('I(S,V)->O(S)');
    expect(json.nodes.range.class).toBe('I(S,V)->O(S)');
    // shape values are tracked exactly: Shape, Slice, Gather, Mul, Concat, Div, Where
    expect(checkedElems).toBeGreaterThan(10);
  });

  it('with N and C fixed, small shape tensors become known constants', () => {
    const json = toContractJson(analyzeModel(model, { x: [2, 3, 'h', 'w'] }));
    expect(json.tensors.nc).toEqual({ shape: [], value: 'const' });
    expect(json.tensors.flat.shape).toEqual([6, 'h*w']);
  });
});

describe('analysis against onnxruntime-node: NonZero', () => {
  it.each([[2, 5], [3, 8]])('N=%i h=%i: the nonzero count is nac, the rank known, the cause reported', async (N, h) => {
    const { analysis } = await agreesWithOrt(nonZeroModel(), 'x', [N, h], { N, h });
    const json = toContractJson(analysis);
    expect(json.tensors.nz).toEqual({ shape: [2, null], value: 'nac' });
    expect(json.tensors.nz_t.shape).toEqual([null, 2]);
    // Shape of a partly unknown shape keeps its known elements (the unknown one is opaque)
    expect(json.tensors.nz_rank).toEqual({ shape: [], value: 'const' });
    expect(json.tensors.nz_shape).toEqual({ shape: [2], value: 'nac' });
    expect(json.tensors.relu.shape).toEqual(['N', 'h']);
    expect(json.nodes.nz.class).toBe('Exec->O(S,V)');
    expect(analysis.nacCauses.find((c) => c.tensor === 'nz')).toMatchObject({ op: 'NonZero', node: 'nz' });
  });
});

describe('analysis: Loop, unknown operators, overrides', () => {
  it('Loop Merges the carried state to a fixpoint; the scan output has the trip count', async () => {
    const model = loopModel();
    const analysis = analyzeModel(model);
    const json = toContractJson(analysis);
    expect(json.tensors.acc.shape).toEqual(['N', 4]);
    expect(json.tensors.acc_out.shape).toEqual(['N', 4]);
    // the body's condition passes cond_in through, which the analysis cannot prove stays true
    expect(json.tensors.scans.shape).toEqual([null, 'N', 4]);
    const out = await runOrt(exposeIntermediates(model, analysis), { x: { dims: [2, 4], data: randomF32(8) } });
    expect(compareWithOrt(analysis, out, { N: 2 }).mismatches).toEqual([]);
  });

  it('an unknown operator makes its outputs nac and is named as the cause', () => {
    const model = wdsrChain(2);
    const relu = model.graph.nodes.find((n) => n.opType === 'Relu')!;
    relu.opType = 'FancyActivation';
    relu.domain = 'com.example';
    const analysis = analyzeModel(model);
    expect(analysis.tensors.get(relu.outputs[0])!.shape).toBeNull();
    expect(analysis.nacCauses).toContainEqual({ tensor: relu.outputs[0], op: 'FancyActivation', node: relu.name, reason: 'unknown operator com.example.FancyActivation' });
    expect(analysis.nodes.get(relu.name)!.known).toBe(false);
    // downstream the rank is lost too, but Conv's output channels still come from its weights
    const c2 = model.graph.nodes.find((n) => n.inputs[0] === relu.outputs[0])!;
    expect(analysis.tensors.get(c2.outputs[0])!.shape).toBeNull();
  });

  it('input overrides accept numbers, symbols, expressions and unknowns; a wrong name is a clear error', () => {
    const model = wdsrChain(2);
    const json = toContractJson(analyzeModel(model, { lr: [1, 3, '2*k', null] }));
    expect(json.tensors.hr.shape).toEqual([1, 3, '4*k', null]);
    expect(toContractJson(analyzeModel(model, { lr: null })).tensors.hr.shape).toBeNull();
    expect(() => analyzeModel(model, { image: [1, 3, 4, 4] })).toThrow(/no input 'image' \(inputs: lr\)/);
  });
});

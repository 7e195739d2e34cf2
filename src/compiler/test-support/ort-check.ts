// Test support: runs a model in onnxruntime-node with every intermediate tensor exposed, and checks
// the analysis's known/symbolic shapes and tracked values against what onnxruntime produced.
import * as ort from 'onnxruntime-node';
import type { Model } from '../../onnx/graph.js';
import { writeModel } from '../../onnx/model-io.js';
import type { Analysis } from '../analysis.js';
import { valueElems } from '../lattice.js';
import { dimEvaluate } from '../symbolic-dim.js';

export function randomF32(n: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 - 0.5; });
}

/** A copy of the model whose outputs also list every main-graph node output (dtypes from the analysis). */
export function exposeIntermediates(model: Model, analysis: Analysis): Model {
  const g = model.graph;
  const outputs = [...g.outputs];
  const have = new Set(outputs.map((o) => o.name));
  for (const n of g.nodes) {
    for (const o of n.outputs) {
      const dtype = analysis.tensors.get(o)?.dtype;
      if (o === '' || have.has(o) || !dtype) continue;
      outputs.push({ name: o, dtype, shape: null });
      have.add(o);
    }
  }
  return { ...model, graph: { ...g, outputs } };
}

export interface OrtTensor { dims: number[]; data: number[] }

export async function runOrt(model: Model, feeds: Record<string, { dims: number[]; data: Float32Array }>): Promise<Map<string, OrtTensor>> {
  const session = await ort.InferenceSession.create(writeModel(model));
  const inputs: Record<string, ort.Tensor> = {};
  for (const [name, f] of Object.entries(feeds)) inputs[name] = new ort.Tensor('float32', f.data, f.dims);
  const result = await session.run(inputs);
  const out = new Map<string, OrtTensor>();
  for (const [name, t] of Object.entries(result)) {
    out.set(name, { dims: [...t.dims], data: Array.from(t.data as ArrayLike<number | bigint | boolean>, (v) => Number(v)) });
  }
  await session.release();
  return out;
}

/**
 * Every tensor the analysis calls known or symbolic must have onnxruntime's shape after binding the
 * symbols, and every tracked value onnxruntime's elements. Returns one line per mismatch and
 * the number of dims and elements checked.
 */
export function compareWithOrt(analysis: Analysis, ortOut: Map<string, OrtTensor>, symbols: Record<string, number>): { mismatches: string[]; checkedDims: number; checkedElems: number } {
  const mismatches: string[] = [];
  let checkedDims = 0, checkedElems = 0;
  for (const [name, real] of ortOut) {
    const facts = analysis.tensors.get(name);
    if (!facts) { mismatches.push(`${name}: not analysed`); continue; }
    if (!facts.shape) continue;
    if (facts.shape.length !== real.dims.length) { mismatches.push(`${name}: rank ${facts.shape.length} but onnxruntime gave ${real.dims.length}`); continue; }
    facts.shape.forEach((d, i) => {
      if (d === null) return;
      checkedDims++;
      const v = dimEvaluate(d, symbols);
      if (v !== real.dims[i]) mismatches.push(`${name}: dim ${i} is ${v} but onnxruntime gave ${real.dims[i]}`);
    });
    const elems = valueElems(facts.value);
    if (elems) {
      const got = elems.map((e) => dimEvaluate(e, symbols));
      checkedElems += got.length;
      if (got.length !== real.data.length || got.some((v, i) => Math.abs(v - real.data[i]) > 1e-6 * Math.max(1, Math.abs(v)))) {
        mismatches.push(`${name}: value [${got.join(',')}] but onnxruntime gave [${real.data.join(',')}]`);
      }
    }
  }
  return { mismatches, checkedDims, checkedElems };
}

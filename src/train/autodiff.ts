// Reverse-mode differentiation of ONNX graphs built in code: a Tape records forward nodes with their
// static shapes, and one backward rule per operator (backward-rules.ts) appends the gradient nodes.
import { GraphBuilder, tensorF32, tensorI64 } from '../onnx/graph-builder.js';
import type { Attribute, Model } from '../onnx/graph.js';
import { BACKWARD_RULES } from './backward-rules.js';

/** A forward node as the backward rules see it: one output, static shapes. */
export interface TapeNode {
  opType: string;
  inputs: string[];
  output: string;
  attributes: Record<string, Attribute>;
}

/** A GraphBuilder that remembers every tensor's static shape, the values of its constants and its forward nodes. */
export class Tape {
  readonly b: GraphBuilder;
  private readonly shapes = new Map<string, number[]>();
  /** values of float/int constants, read by rules that need them (Slice starts, Reduce axes) */
  readonly constValues = new Map<string, number[]>();
  /** nodes recorded by `op` (forward and backward alike); appendBackward walks those before its call */
  readonly nodes: TapeNode[] = [];

  constructor(name: string) { this.b = new GraphBuilder(name); }

  shape(name: string): number[] {
    const s = this.shapes.get(name);
    if (!s) throw new Error(`tape has no shape for tensor '${name}' (was it created through the tape?)`);
    return s;
  }

  input(name: string, shape: number[]): string {
    this.b.input(name, 'float32', shape);
    this.shapes.set(name, shape);
    return name;
  }

  output(name: string): void { this.b.output(name, 'float32', this.shape(name)); }

  /** A node with one output of static shape `shape`; `name` fixes the output name (else a fresh one). */
  op(opType: string, inputs: string[], attributes: Record<string, Attribute>, shape: number[], name?: string): string {
    const [out] = this.b.node(opType, inputs, attributes, name ? { outputs: [name], name } : { hint: opType.toLowerCase() });
    this.shapes.set(out, shape);
    this.nodes.push({ opType, inputs, output: out, attributes });
    return out;
  }

  /** Copies `src` under the name `name` (an Identity node), e.g. to name a graph output. */
  rename(src: string, name: string): string { return this.op('Identity', [src], {}, this.shape(src), name); }

  f32(dims: number[], data: number[]): string {
    const name = this.b.constant(tensorF32(dims, data), 'cf');
    this.shapes.set(name, dims);
    this.constValues.set(name, data);
    return name;
  }

  i64(data: number[]): string {
    const name = this.b.constant(tensorI64([data.length], data), 'ci');
    this.shapes.set(name, [data.length]);
    this.constValues.set(name, data);
    return name;
  }

  scalar(v: number): string { return this.f32([], [v]); }

  constValue(name: string, what: string): number[] {
    const v = this.constValues.get(name);
    if (!v) throw new Error(`${what} must be a tape constant; '${name}' is computed at run time, which the backward rule cannot read`);
    return v;
  }

  build(): Model { return this.b.build(17); }
}

/** Context a backward rule gets: the tape, the node, its output gradient and which inputs need one. */
export interface BackwardContext { t: Tape; node: TapeNode; dy: string; needs: boolean[] }
/** Returns one gradient name per input ('' where not needed or not differentiable). */
export type BackwardRule = (ctx: BackwardContext) => string[];

/**
 * Appends the gradient of scalar `loss` with respect to each tensor of `wrt`, walking the nodes recorded
 * so far in reverse; returns the gradient tensor of each (zero-free: a `wrt` tensor the loss does not
 * depend on is an error, since its gradient would be a constant 0 and the caller meant otherwise).
 */
export function appendBackward(t: Tape, loss: string, wrt: string[]): Map<string, string> {
  if (t.shape(loss).length !== 0) throw new Error(`loss '${loss}' must be a scalar; its shape is [${t.shape(loss)}]`);
  const forward = [...t.nodes];
  // tensors that depend on some `wrt` tensor: only those get gradients
  const live = new Set(wrt);
  for (const n of forward) if (n.inputs.some((i) => live.has(i))) live.add(n.output);
  if (!live.has(loss)) throw new Error(`loss '${loss}' does not depend on any of ${wrt.join(', ')}`);
  const contributions = new Map<string, string[]>([[loss, [t.scalar(1)]]]);
  const gradOf = (name: string): string | undefined => {
    const parts = contributions.get(name);
    if (!parts) return undefined;
    if (parts.length === 1) return parts[0];
    const sum = t.op('Sum', parts, {}, t.shape(name));
    contributions.set(name, [sum]);
    return sum;
  };
  for (let k = forward.length - 1; k >= 0; k--) {
    const node = forward[k];
    const dy = gradOf(node.output);
    if (!dy) continue;
    const rule = BACKWARD_RULES[node.opType];
    if (!rule) throw new Error(`no backward rule for ${node.opType} (node output '${node.output}'); add one to backward-rules.ts`);
    const needs = node.inputs.map((i) => live.has(i));
    const grads = rule({ t, node, dy, needs });
    node.inputs.forEach((input, i) => {
      if (!needs[i]) return;
      if (!grads[i]) throw new Error(`${node.opType} rule gave no gradient for input ${i} ('${input}')`);
      contributions.set(input, [...(contributions.get(input) ?? []), grads[i]]);
    });
  }
  const out = new Map<string, string>();
  for (const w of wrt) {
    const g = gradOf(w);
    if (!g) throw new Error(`the loss does not depend on '${w}'`);
    out.set(w, g);
  }
  return out;
}

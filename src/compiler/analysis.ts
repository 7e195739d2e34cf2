// The paper's data-flow analysis (section 2.3, steps 1-4): operators in depth-first order, Update per
// operator, Merge for If branches and Loop iterations, repeated until no tensor's state changes.
import type { DataType, DeclaredDim, Graph, Model, Node } from '../onnx/graph.js';
import {
  nacTensor, ranked, reportedValue, SHAPE_NAC, tensorStatesEqual, undefinedTensor, type Dim, type ShapeState, type TensorState, type ValueKind, type ValueState,
} from './lattice.js';
import type { BranchDecision, OpClass, OpContext } from './ops/op-types.js';
import { lookupOp } from './ops/registry.js';
import { tensorState } from './ops/value-rules.js';
import { dimConst, dimValue, formatDim, parseDim } from './symbolic-dim.js';

export type { Dim, ValueState, OpClass, BranchDecision };

export interface TensorFacts {
  /** null when not even the rank is known */
  shape: Dim[] | null;
  value: ValueState;
  dtype: DataType | null;
}

export interface NodeFacts {
  op: string;
  class: OpClass;
  /** name of the graph (main graph or If/Loop body) holding the node */
  graph: string;
  /** false for an operator the registry does not know (its outputs are nac) */
  known: boolean;
}

export interface NacCause { tensor: string; op: string; node: string; reason: string }

export interface Analysis {
  tensors: Map<string, TensorFacts>;
  nodes: Map<string, NodeFacts>;
  branches: Map<string, BranchDecision>;
  nacCauses: NacCause[];
  /** operator updates run in all (a measure of the analysis' work: linear in the model's size) */
  updates: number;
}

/** Input shapes that override the declared ones: a number, a symbol or dim expression, or null (unknown); null for unknown rank. */
export type InputShapes = Record<string, (number | string | null)[] | null>;

/** Passes over a graph before the analysis gives up on reaching a fixpoint (a DAG needs two). */
const MAX_PASSES = 8;

/**
 * Deepest If/Loop nesting analysed. Our exported models nest one If per extra path (a handful); a model
 * nesting far deeper is refused with a clear error rather than overflowing the stack.
 */
export const MAX_SUBGRAPH_DEPTH = 64;

function declaredShape(dims: DeclaredDim[] | null): ShapeState {
  if (!dims) return SHAPE_NAC;
  return ranked(dims.map((d) => (d === null ? null : typeof d === 'number' ? dimConst(d) : parseDim(d))));
}

/** Names a graph's nodes read from enclosing scopes (what its If/Loop node implicitly depends on). */
export function outerScopeNames(graph: Graph): Set<string> {
  const local = new Set<string>([...graph.inputs.map((i) => i.name), ...graph.initializers.keys()]);
  for (const n of graph.nodes) n.outputs.forEach((o) => local.add(o));
  const free = new Set<string>();
  for (const n of graph.nodes) {
    for (const i of nodeReads(n)) if (i !== '' && !local.has(i)) free.add(i);
  }
  for (const o of graph.outputs) if (!local.has(o.name)) free.add(o.name);
  return free;
}

/** Every tensor a node reads: its inputs plus what its subgraphs take from outside. */
export function nodeReads(node: Node): string[] {
  const reads = [...node.inputs];
  for (const a of Object.values(node.attributes)) {
    if (a.type === 'graph') reads.push(...outerScopeNames(a.value));
    if (a.type === 'graphs') a.value.forEach((g) => reads.push(...outerScopeNames(g)));
  }
  return reads;
}

/** Nodes in depth-first (post-order) order from the graph outputs, then any node not reached. */
export function depthFirstOrder(graph: Graph): Node[] {
  const producer = new Map<string, Node>();
  for (const n of graph.nodes) n.outputs.forEach((o) => producer.set(o, n));
  const done = new Set<Node>(), onStack = new Set<Node>(), order: Node[] = [];
  // an explicit stack: a long chain of operators must not overflow the JS call stack
  const visit = (root: Node): void => {
    if (done.has(root)) return;
    const stack: { node: Node; deps: Node[]; next: number }[] = [];
    const push = (n: Node) => {
      onStack.add(n);
      const deps = nodeReads(n).map((name) => producer.get(name)).filter((p): p is Node => p !== undefined);
      stack.push({ node: n, deps, next: 0 });
    };
    push(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next < top.deps.length) {
        const d = top.deps[top.next++];
        if (done.has(d)) continue;
        if (onStack.has(d)) throw new Error(`graph '${graph.name}' has a cycle through node '${d.name}'`);
        push(d);
      } else {
        stack.pop();
        onStack.delete(top.node);
        done.add(top.node);
        order.push(top.node);
      }
    }
  };
  for (const o of graph.outputs) { const p = producer.get(o.name); if (p) visit(p); }
  graph.nodes.forEach(visit);
  return order;
}

/** How deeply If/Loop bodies nest in `graph` (0 for none), found without recursion. */
export function subgraphDepth(graph: Graph): number {
  let deepest = 0;
  const stack: [Graph, number][] = [[graph, 0]];
  while (stack.length > 0) {
    const [g, d] = stack.pop()!;
    deepest = Math.max(deepest, d);
    for (const n of g.nodes) {
      for (const a of Object.values(n.attributes)) {
        if (a.type === 'graph') stack.push([a.value, d + 1]);
        if (a.type === 'graphs') a.value.forEach((sg) => stack.push([sg, d + 1]));
      }
    }
  }
  return deepest;
}

/** The model is beyond what the analysis handles (nesting depth); not a fact about one tensor. */
export class AnalysisLimitError extends Error {}

class Analyzer {
  readonly states = new Map<string, TensorState>();
  readonly nodes = new Map<string, NodeFacts>();
  readonly branches = new Map<string, BranchDecision>();
  readonly nacCauses = new Map<string, NacCause>();
  updates = 0;
  /**
   * The last analysis of each subgraph with the states it saw. Each pass of the enclosing fixpoint calls
   * its If/Loop nodes again; re-analysing an unchanged branch doubled the work per nesting level.
   */
  private readonly lastSubgraphRun = new Map<Graph, { inputs: TensorState[]; outer: (TensorState | undefined)[]; outputs: TensorState[] }>();
  private readonly freeNames = new Map<Graph, string[]>();
  private depth = 0;

  constructor(private readonly opset: number) {}

  private outerNames(g: Graph): string[] {
    let names = this.freeNames.get(g);
    if (!names) { names = [...outerScopeNames(g)]; this.freeNames.set(g, names); }
    return names;
  }

  /** analyzeGraph for an If/Loop body, skipped when neither its inputs nor what it reads from outside changed. */
  private analyzeSubgraph(g: Graph, env: Map<string, TensorState>, inputs: TensorState[]): TensorState[] {
    const outer = this.outerNames(g).map((n) => env.get(n));
    const last = this.lastSubgraphRun.get(g);
    const same = (a: (TensorState | undefined)[], b: (TensorState | undefined)[]) =>
      a.length === b.length && a.every((t, i) => (t === undefined || b[i] === undefined ? t === b[i] : tensorStatesEqual(t, b[i]!)));
    if (last && same(last.inputs, inputs) && same(last.outer, outer)) return last.outputs;
    if (this.depth >= MAX_SUBGRAPH_DEPTH) {
      throw new AnalysisLimitError(`graph '${g.name}' is nested more than ${MAX_SUBGRAPH_DEPTH} If/Loop levels deep; the analysis supports at most ${MAX_SUBGRAPH_DEPTH}`);
    }
    this.depth++;
    try {
      const outputs = this.analyzeGraph(g, env, new Map(g.inputs.map((i, k) => [i.name, inputs[k] ?? nacTensor(i.dtype)])));
      this.lastSubgraphRun.set(g, { inputs, outer, outputs });
      return outputs;
    } finally {
      this.depth--;
    }
  }

  /** Analyses `graph` in `scope` (outer names visible), with its formal inputs bound to `inputs` when given. */
  analyzeGraph(graph: Graph, scope: Map<string, TensorState>, inputs: Map<string, TensorState>): TensorState[] {
    const env = new Map(scope);
    for (const [name, t] of graph.initializers) env.set(name, tensorState(t));
    for (const i of graph.inputs) {
      // an input that is also an initializer is a default the caller may override; inputs given win
      const given = inputs.get(i.name);
      if (given) env.set(i.name, given);
      else if (!graph.initializers.has(i.name)) env.set(i.name, { dtype: i.dtype, shape: declaredShape(i.shape), value: { kind: 'nac' } });
    }
    for (const [name, t] of env) if (!scope.has(name) || scope.get(name) !== t) this.states.set(name, t);
    const order = depthFirstOrder(graph);
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      let changed = false;
      for (const node of order) changed = this.updateNode(node, graph, env) || changed;
      if (!changed) break;
    }
    return graph.outputs.map((o) => env.get(o.name) ?? nacTensor(o.dtype));
  }

  /** Step 2-4 for one node; returns whether any output state changed. */
  private updateNode(node: Node, graph: Graph, env: Map<string, TensorState>): boolean {
    this.updates++;
    const def = lookupOp(node.opType, node.domain);
    this.nodes.set(node.name, { op: node.opType, class: def?.opClass ?? 'Exec->O(S,V)', graph: graph.name, known: !!def });
    const inputs = node.inputs.map((name) => (name === '' ? undefined : env.get(name) ?? undefinedTensor()));
    let outputs: TensorState[];
    let reason: string | undefined;
    if (!def) {
      outputs = node.outputs.map(() => nacTensor());
      reason = `unknown operator ${node.domain ? `${node.domain}.` : ''}${node.opType}`;
    } else if (inputs.some((t) => t?.shape.kind === 'undefined')) {
      // an input not reached yet keeps the outputs at the top of the lattice
      outputs = node.outputs.map(() => undefinedTensor());
    } else {
      try {
        const r = def.update(node, inputs, this.context(node, env));
        outputs = r.outputs;
        reason = r.nacReason;
      } catch (e) {
        if (e instanceof AnalysisLimitError) throw e;
        outputs = node.outputs.map(() => nacTensor());
        reason = `transfer function failed: ${(e as Error).message}`;
      }
    }
    let changed = false;
    node.outputs.forEach((name, i) => {
      if (name === '') return;
      const next = outputs[i] ?? nacTensor();
      const prev = env.get(name);
      if (!prev || !tensorStatesEqual(prev, next)) changed = true;
      env.set(name, next);
      this.states.set(name, next);
      const shapeIsNac = next.shape.kind === 'nac' || (next.shape.kind === 'ranked' && next.shape.dims.includes(null));
      if (reason && (shapeIsNac || !def)) this.nacCauses.set(name, { tensor: name, op: node.opType, node: node.name, reason });
      else this.nacCauses.delete(name);
    });
    return changed;
  }

  private context(node: Node, env: Map<string, TensorState>): OpContext {
    return {
      opset: this.opset,
      analyzeSubgraph: (g, inputs) => this.analyzeSubgraph(g, env, inputs),
      recordBranch: (d) => { this.branches.set(node.name, d); },
    };
  }
}

function modelOpset(model: Model): number {
  return model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 17;
}

/**
 * Runs the analysis on a model. `inputShapes` override the declared input shapes
 * (e.g. `{ lr: ['N', 3, 40, 40] }`); a string is a symbol (or a dim expression), null unknown.
 */
export function analyzeModel(model: Model, inputShapes: InputShapes = {}): Analysis {
  const g = model.graph;
  for (const name of Object.keys(inputShapes)) {
    if (!g.inputs.some((i) => i.name === name)) {
      throw new Error(`--input ${name}: the model has no input '${name}' (inputs: ${g.inputs.map((i) => i.name).join(', ')})`);
    }
  }
  const depth = subgraphDepth(g);
  if (depth > MAX_SUBGRAPH_DEPTH) {
    throw new AnalysisLimitError(`the model nests If/Loop subgraphs ${depth} levels deep; the analysis supports at most ${MAX_SUBGRAPH_DEPTH}`);
  }
  const analyzer = new Analyzer(modelOpset(model));
  const bound = new Map<string, TensorState>();
  for (const i of g.inputs) {
    const override = inputShapes[i.name];
    if (override !== undefined) bound.set(i.name, { dtype: i.dtype, shape: declaredShape(override), value: { kind: 'nac' } });
  }
  analyzer.analyzeGraph(g, new Map(), bound);
  const tensors = new Map<string, TensorFacts>();
  for (const [name, t] of analyzer.states) {
    tensors.set(name, { shape: t.shape.kind === 'ranked' ? t.shape.dims : null, value: reportedValue(t.value), dtype: t.dtype });
  }
  return { tensors, nodes: analyzer.nodes, branches: analyzer.branches, nacCauses: [...analyzer.nacCauses.values()], updates: analyzer.updates };
}

/** A dim as `dydca analyze --json` prints it (docs/compiler-analysis.md): a number (known), a string (symbolic), null (not a constant). */
export type JsonDim = number | string | null;

export interface AnalysisJson {
  tensors: Record<string, { shape: JsonDim[] | null; value: ValueKind }>;
  nodes: Record<string, { op: string; class: OpClass }>;
  branches: Record<string, BranchDecision>;
}

export function dimToJson(d: Dim): JsonDim {
  if (d === null) return null;
  return dimValue(d) ?? formatDim(d);
}

/** The exact `dydca analyze --json` object (docs/compiler-analysis.md). */
export function toContractJson(analysis: Analysis): AnalysisJson {
  const tensors: AnalysisJson['tensors'] = {};
  for (const [name, t] of analysis.tensors) tensors[name] = { shape: t.shape && t.shape.map(dimToJson), value: t.value.kind };
  const nodes: AnalysisJson['nodes'] = {};
  for (const [name, n] of analysis.nodes) nodes[name] = { op: n.op, class: n.class };
  return { tensors, nodes, branches: Object.fromEntries(analysis.branches) };
}

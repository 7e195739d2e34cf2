// Specialise pass: for one input shape, resolves every routing If by the data-flow analysis, inlines
// the taken branch into the main graph and drops what became dead (the Shape/Gather/Less routing).
// Stages: analyse -> inline resolved branches (renaming so names stay unique; If outputs keep their
// names) -> remove dead nodes and initializers -> annotate shapes. Assumes If conditions that
// resolve do so from shapes alone (the analysis proves it); throws when one does not.
import type { DeclaredDim, Graph, Model, Node, Tensor, ValueInfo } from '../../onnx/graph.js';
import { analyzeModel, dimToJson, nodeReads, type Analysis, type Dim } from '../analysis.js';

export interface SpecializedGraph { graph: Graph; analysis: Analysis }

function declared(shape: Dim[] | null): DeclaredDim[] | null {
  return shape && shape.map(dimToJson);
}

/** Hands out names not used yet, keeping the preferred name when it is free. */
class NameTable {
  private readonly used = new Set<string>();
  claim(preferred: string): string {
    let name = preferred;
    for (let k = 1; this.used.has(name); k++) name = `${preferred}__${k}`;
    this.used.add(name);
    return name;
  }
}

class Inliner {
  readonly nodes: Node[] = [];
  readonly initializers: Map<string, Tensor>;
  private readonly tensorNames = new NameTable();
  private readonly nodeNames = new NameTable();

  constructor(main: Graph, private readonly analysis: Analysis, private readonly shapes: string) {
    this.initializers = new Map(main.initializers);
    for (const name of [...main.initializers.keys(), ...main.inputs.map((i) => i.name)]) this.tensorNames.claim(name);
  }

  /**
   * Appends `nodes` (of a graph at some nesting depth), replacing resolved Ifs by their taken branch.
   * `rename` maps a tensor's name in the source to its name in the result (an inlined branch's
   * output becomes its If's output; a name already taken gets a suffix).
   */
  emit(nodes: Node[], rename: Map<string, string>): void {
    const input = (n: string): string => (n === '' ? n : rename.get(n) ?? n);
    const output = (n: string): string => {
      if (n === '') return n;
      const bound = rename.get(n);
      if (bound !== undefined) return bound;
      const fresh = this.tensorNames.claim(n);
      if (fresh !== n) rename.set(n, fresh);
      return fresh;
    };
    for (const node of nodes) {
      if (node.opType !== 'If') {
        this.nodes.push({ ...node, name: this.nodeNames.claim(node.name), inputs: node.inputs.map(input), outputs: node.outputs.map(output) });
        continue;
      }
      const decision = this.analysis.branches.get(node.name);
      if (decision !== 'then' && decision !== 'else') {
        throw new Error(`If node '${node.name}' does not resolve for input shapes ${this.shapes} (its condition is not a constant); ` +
          'give the routed dims as numbers, e.g. --input lr=Nx3x40x40');
      }
      const attr = node.attributes[decision === 'then' ? 'then_branch' : 'else_branch'];
      if (attr?.type !== 'graph') throw new Error(`If node '${node.name}' lacks its ${decision}_branch graph`);
      const branch = attr.value;
      const ifOutputs = node.outputs.map(output);
      const inner = new Map(rename);
      for (const [name, t] of branch.initializers) {
        const fresh = this.tensorNames.claim(name);
        if (fresh !== name) inner.set(name, fresh);
        this.initializers.set(fresh, { ...t, name: fresh });
      }
      const producedInBranch = new Set(branch.nodes.flatMap((n) => n.outputs));
      branch.outputs.forEach((o, i) => { if (producedInBranch.has(o.name)) inner.set(o.name, ifOutputs[i]); });
      this.emit(branch.nodes, inner);
      branch.outputs.forEach((o, i) => {
        // an output read straight from the outer scope (or an initializer) needs a node to carry the If's name
        if (producedInBranch.has(o.name)) return;
        this.nodes.push({
          name: this.nodeNames.claim(`${node.name}/${decision}_identity${i}`), opType: 'Identity', domain: '',
          inputs: [inner.get(o.name) ?? o.name], outputs: [ifOutputs[i]], attributes: {},
        });
      });
    }
  }
}

/** Keeps only nodes whose outputs (transitively) reach a graph output, and the initializers they read. */
export function removeDeadNodes(graph: Graph): Graph {
  const live = new Set(graph.outputs.map((o) => o.name));
  const kept: Node[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i];
    if (!n.outputs.some((o) => live.has(o))) continue;
    kept.push(n);
    nodeReads(n).forEach((r) => live.add(r));
  }
  kept.reverse();
  const initializers = new Map([...graph.initializers].filter(([name]) => live.has(name)));
  return { ...graph, nodes: kept, initializers, valueInfo: graph.valueInfo.filter((v) => live.has(v.name)) };
}

/**
 * The model's main graph specialised for `inputShapes` (e.g. `{ lr: ['N', 3, 40, 40] }`): every If
 * resolved and inlined, dead routing removed, declared shapes filled in from the analysis.
 */
export function specializeForShape(model: Model, inputShapes: Record<string, (number | string)[]>): SpecializedGraph {
  const analysis = analyzeModel(model, inputShapes);
  const main = model.graph;
  const inliner = new Inliner(main, analysis, JSON.stringify(inputShapes));
  inliner.emit(main.nodes, new Map());
  const straight = removeDeadNodes({ ...main, nodes: inliner.nodes, initializers: inliner.initializers, valueInfo: [] });
  const facts = (v: ValueInfo): ValueInfo => {
    const t = analysis.tensors.get(v.name);
    return { name: v.name, dtype: t?.dtype ?? v.dtype, shape: t ? declared(t.shape) : v.shape };
  };
  const outputs = new Set(main.outputs.map((o) => o.name));
  const valueInfo: ValueInfo[] = straight.nodes.flatMap((n) => n.outputs)
    .filter((o) => o !== '' && !outputs.has(o) && analysis.tensors.get(o)?.dtype)
    .map((o) => facts({ name: o, dtype: 'float32', shape: null }));
  const graph: Graph = {
    ...straight,
    inputs: main.inputs.map((i) => (inputShapes[i.name] ? facts(i) : i)),
    outputs: main.outputs.map(facts),
    valueInfo,
  };
  return { graph, analysis };
}

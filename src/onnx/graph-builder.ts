// Builds IR graphs in code: used by the model exporter and by tests that need small ONNX models.
import type { Attribute, DataType, DeclaredDim, Graph, Model, Node, Tensor } from './graph.js';

export const attr = {
  int: (value: number): Attribute => ({ type: 'int', value }),
  ints: (value: number[]): Attribute => ({ type: 'ints', value }),
  float: (value: number): Attribute => ({ type: 'float', value }),
  floats: (value: number[]): Attribute => ({ type: 'floats', value }),
  string: (value: string): Attribute => ({ type: 'string', value }),
  tensor: (value: Tensor): Attribute => ({ type: 'tensor', value }),
  graph: (value: Graph): Attribute => ({ type: 'graph', value }),
};

export function tensorF32(dims: number[], data: ArrayLike<number>, name = ''): Tensor {
  return { name, dtype: 'float32', dims, data: Float32Array.from(data) };
}
export function tensorI64(dims: number[], data: ArrayLike<number>, name = ''): Tensor {
  return { name, dtype: 'int64', dims, data: BigInt64Array.from(Array.from(data), (v) => BigInt(v)) };
}

export class GraphBuilder {
  private nodes: Node[] = [];
  private inputs: Graph['inputs'] = [];
  private outputs: Graph['outputs'] = [];
  private initializers = new Map<string, Tensor>();
  private counter = 0;

  constructor(readonly name: string, private readonly prefix = '') {}

  /** A fresh tensor name, unique within this builder (and its prefix). */
  fresh(hint: string): string { return `${this.prefix}${hint}_${this.counter++}`; }

  input(name: string, dtype: DataType, shape: DeclaredDim[] | null): string {
    this.inputs.push({ name, dtype, shape });
    return name;
  }

  /** Adds an initializer; returns its name. */
  initializer(name: string, t: Omit<Tensor, 'name'> | Tensor): string {
    if (this.initializers.has(name)) throw new Error(`duplicate initializer '${name}'`);
    this.initializers.set(name, { ...t, name });
    return name;
  }

  /** Adds a Constant node holding `t`; returns its output name. */
  constant(t: Omit<Tensor, 'name'>, hint = 'const'): string {
    return this.node('Constant', [], { value: attr.tensor({ ...t, name: '' }) }, { hint })[0];
  }

  /** Adds a node; returns its output names (fresh unless `outputs` names them). */
  node(opType: string, inputs: string[], attributes: Record<string, Attribute> = {},
    opts: { outputs?: string[] | number; name?: string; hint?: string; domain?: string } = {}): string[] {
    const outs = Array.isArray(opts.outputs) ? opts.outputs
      : Array.from({ length: opts.outputs ?? 1 }, () => this.fresh(opts.hint ?? opType.toLowerCase()));
    const name = opts.name ?? `${this.prefix}${opType}_${this.nodes.length}`;
    this.nodes.push({ name, opType, domain: opts.domain ?? '', inputs, outputs: outs, attributes });
    return outs;
  }

  output(name: string, dtype: DataType, shape: DeclaredDim[] | null): void {
    this.outputs.push({ name, dtype, shape });
  }

  /** A builder for an If/Loop body; its names carry `prefix` so they stay unique across the model. */
  subgraph(name: string): GraphBuilder { return new GraphBuilder(name, `${this.prefix}${name}/`); }

  buildGraph(): Graph {
    return { name: this.name, nodes: [...this.nodes], inputs: [...this.inputs], outputs: [...this.outputs], initializers: new Map(this.initializers), valueInfo: [] };
  }

  build(opset = 17): Model {
    return { irVersion: 8, opsetImports: [{ domain: '', version: opset }], producerName: 'dydca', producerVersion: '0.1.0', graph: this.buildGraph() };
  }
}

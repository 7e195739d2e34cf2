// What every operator file declares: its dynamism class (paper Table 1) and its Update transfer
// function from input tensor states to output tensor states.
import type { Graph, Node } from '../../onnx/graph.js';
import type { TensorState } from '../lattice.js';

/** Paper Table 1: what determines an operator's output shape (S) and value (V). */
export type OpClass = 'I(S)->O(S,V)' | 'I(S)->O(S)' | 'I(S,V)->O(S)' | 'Exec->O(S,V)';

export type BranchDecision = 'then' | 'else' | 'both';

/** What an Update may ask of the analysis: control-flow ops analyse their bodies through it. */
export interface OpContext {
  /** default-domain opset of the model (attribute-vs-input forms of Slice, Squeeze, Reduce... depend on it) */
  opset: number;
  /**
   * Analyses a subgraph with its formal inputs bound to `inputs` (outer-scope names stay visible)
   * and returns the states of its outputs. Tensors inside are recorded under their own names.
   */
  analyzeSubgraph(graph: Graph, inputs: TensorState[]): TensorState[];
  /** An If records which branch(es) it analysed. */
  recordBranch(decision: BranchDecision): void;
}

export interface UpdateResult {
  outputs: TensorState[];
  /** why some output is nac by this operator's own doing (not merely propagated), for the report */
  nacReason?: string;
}

export interface OpDefinition {
  opTypes: readonly string[];
  opClass: OpClass;
  /** `inputs[i]` is undefined for an omitted optional input; every present input's shape is already defined. */
  update(node: Node, inputs: (TensorState | undefined)[], ctx: OpContext): UpdateResult;
}

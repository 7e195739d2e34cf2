// If: Exec->O(S,V). A known condition resolves the branch statically (only that branch is analysed);
// otherwise both are analysed and their outputs joined with Merge (paper's transfer function).
import { attrGraph } from '../../onnx/graph.js';
import { meetTensor, nacTensor, type TensorState } from '../lattice.js';
import { dimValue } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { trackedElems } from './value-rules.js';

export const ifOp: OpDefinition = {
  opTypes: ['If'],
  opClass: 'Exec->O(S,V)',
  update(node, [cond], ctx) {
    const thenG = attrGraph(node, 'then_branch'), elseG = attrGraph(node, 'else_branch');
    if (!thenG || !elseG) throw new Error(`If node '${node.name}' lacks a then_branch or else_branch graph`);
    const c = trackedElems(cond);
    const known = c && c.length === 1 ? dimValue(c[0]) : undefined;
    if (known !== undefined) {
      ctx.recordBranch(known ? 'then' : 'else');
      return { outputs: ctx.analyzeSubgraph(known ? thenG : elseG, []) };
    }
    ctx.recordBranch('both');
    const a = ctx.analyzeSubgraph(thenG, []), b = ctx.analyzeSubgraph(elseG, []);
    const outputs = node.outputs.map((_, i): TensorState => (a[i] && b[i] ? meetTensor(a[i], b[i]) : nacTensor()));
    return { outputs };
  },
};

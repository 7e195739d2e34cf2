// Pooling (AveragePool, MaxPool, LpPool and their Global forms): I(S)->O(S).
import { attrInts } from '../../onnx/graph.js';
import { ranked, SHAPE_NAC, type ShapeState, type TensorState } from '../lattice.js';
import { dimConst } from '../symbolic-dim.js';
import { windowOutputDims, windowParams } from './conv.js';
import type { OpDefinition } from './op-types.js';
import { dimsOf } from './shape-rules.js';
import { derivedValue } from './value-rules.js';

export const poolOps: OpDefinition = {
  opTypes: ['AveragePool', 'MaxPool', 'LpPool', 'GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool'],
  opClass: 'I(S)->O(S)',
  update(node, [x]) {
    const xd = dimsOf(x);
    let shape: ShapeState = SHAPE_NAC;
    if (xd && node.opType.startsWith('Global')) shape = ranked([xd[0], xd[1], ...xd.slice(2).map(() => dimConst(1))]);
    else if (xd) {
      const kernel = attrInts(node, 'kernel_shape');
      if (!kernel) throw new Error(`${node.opType} node '${node.name}' has no kernel_shape attribute`);
      shape = ranked([xd[0], xd[1], ...windowOutputDims(xd.slice(2), windowParams(node, kernel))]);
    }
    const outputs: TensorState[] = [{ dtype: x!.dtype, shape, value: derivedValue([x], shape) }];
    if (node.outputs.length > 1) outputs.push({ dtype: 'int64', shape, value: derivedValue([x], shape) });
    return { outputs };
  },
};

// Cast and CastLike: I(S)->O(S); tracked values are converted (truncation to integers, 0/1 for bool).
import { attrInt, type DataType } from '../../onnx/graph.js';
import { dtypeFromCode } from '../../onnx/model-io.js';
import { dimConst, dimValue, type DimExpr } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { derivedValue, trackedElems } from './value-rules.js';

const INTEGER = new Set<DataType>(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64']);

function castElem(e: DimExpr, to: DataType): DimExpr | undefined {
  const v = dimValue(e);
  if (to === 'bool') return v === undefined ? undefined : dimConst(v ? 1 : 0);
  if (INTEGER.has(to)) return v === undefined ? e : dimConst(Math.trunc(v));
  // symbolic integers stay exact in float32/64 at shape magnitudes
  return to === 'float32' || to === 'float64' ? e : undefined;
}

export const castOps: OpDefinition = {
  opTypes: ['Cast', 'CastLike'],
  opClass: 'I(S)->O(S)',
  update(node, [x, like]) {
    const to: DataType | null = node.opType === 'CastLike' ? like!.dtype : dtypeFromCode(attrInt(node, 'to', 1));
    const value = derivedValue([x], x!.shape, to ? () => {
      const out = trackedElems(x)!.map((e) => castElem(e, to));
      return out.every((e): e is DimExpr => e !== undefined) ? out : undefined;
    } : undefined);
    return { outputs: [{ dtype: to, shape: x!.shape, value }] };
  },
};

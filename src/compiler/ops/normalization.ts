// Normalisations keep the input's shape. GroupNormalization is I(S,V)->O(S) in the paper's Table 1
// (its scale/bias shapes are tied to num_groups); the others are plain I(S)->O(S).
import type { OpDefinition, UpdateResult } from './op-types.js';
import type { TensorState } from '../lattice.js';
import { derivedValue } from './value-rules.js';

function sameShape(inputs: (TensorState | undefined)[]): UpdateResult {
  const x = inputs[0]!;
  return { outputs: [{ dtype: x.dtype, shape: x.shape, value: derivedValue(inputs, x.shape) }] };
}

export const groupNormOp: OpDefinition = { opTypes: ['GroupNormalization'], opClass: 'I(S,V)->O(S)', update: (_n, inputs) => sameShape(inputs) };
export const normalizationOps: OpDefinition = {
  opTypes: ['BatchNormalization', 'InstanceNormalization', 'LayerNormalization', 'LpNormalization', 'MeanVarianceNormalization'],
  opClass: 'I(S)->O(S)',
  update: (_n, inputs) => sameShape(inputs),
};

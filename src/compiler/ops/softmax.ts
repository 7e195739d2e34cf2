// Softmax, LogSoftmax, Hardmax: I(S)->O(S), the output has the input's shape.
import type { OpDefinition } from './op-types.js';
import { derivedValue } from './value-rules.js';

export const softmaxOps: OpDefinition = {
  opTypes: ['Softmax', 'LogSoftmax', 'Hardmax'],
  opClass: 'I(S)->O(S)',
  update(_node, [x]) {
    return { outputs: [{ dtype: x!.dtype, shape: x!.shape, value: derivedValue([x], x!.shape) }] };
  },
};

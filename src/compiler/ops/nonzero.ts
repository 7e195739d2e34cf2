// NonZero and NonMaxSuppression: Exec->O(S,V). How many elements come out is known only after
// execution, so that dim is nac (and the analysis reports these operators as the cause).
import { ranked, VALUE_NAC } from '../lattice.js';
import type { OpDefinition } from './op-types.js';
import { dimsOf } from './shape-rules.js';

export const nonZeroOp: OpDefinition = {
  opTypes: ['NonZero'],
  opClass: 'Exec->O(S,V)',
  update(_node, [x]) {
    const rank = dimsOf(x)?.length ?? null;
    return { outputs: [{ dtype: 'int64', shape: ranked([rank, null]), value: VALUE_NAC }], nacReason: 'number of non-zero elements is known only after execution' };
  },
};

export const nonMaxSuppressionOp: OpDefinition = {
  opTypes: ['NonMaxSuppression'],
  opClass: 'Exec->O(S,V)',
  update() {
    return { outputs: [{ dtype: 'int64', shape: ranked([null, 3]), value: VALUE_NAC }], nacReason: 'number of selected boxes is known only after execution' };
  },
};

// Constant: a known constant from its attribute (value, value_int(s), value_float(s)).
import { ranked } from '../lattice.js';
import type { OpDefinition } from './op-types.js';
import { tensorState } from './value-rules.js';

export const constantOp: OpDefinition = {
  opTypes: ['Constant'],
  opClass: 'I(S)->O(S,V)',
  update(node) {
    const a = node.attributes;
    if (a.value?.type === 'tensor') return { outputs: [tensorState(a.value.value)] };
    if (a.value_int?.type === 'int') return { outputs: [{ dtype: 'int64', shape: ranked([]), value: { kind: 'const', elems: [a.value_int.value] } }] };
    if (a.value_ints?.type === 'ints') return { outputs: [{ dtype: 'int64', shape: ranked([a.value_ints.value.length]), value: { kind: 'const', elems: [...a.value_ints.value] } }] };
    if (a.value_float?.type === 'float') return { outputs: [{ dtype: 'float32', shape: ranked([]), value: { kind: 'const', elems: [a.value_float.value] } }] };
    if (a.value_floats?.type === 'floats') return { outputs: [{ dtype: 'float32', shape: ranked([a.value_floats.value.length]), value: { kind: 'const', elems: [...a.value_floats.value] } }] };
    throw new Error(`Constant node '${node.name}' has no supported value attribute (value, value_int(s), value_float(s))`);
  },
};

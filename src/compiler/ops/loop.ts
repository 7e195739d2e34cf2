// Loop: Exec->O(S,V). The loop-carried states are Merged with the body's outputs until they stop
// changing (a fixpoint: each Merge only moves down the lattice); scan outputs gain a leading
// trip-count dim, known only when the trip count is known and the condition cannot stop early.
import { attrGraph } from '../../onnx/graph.js';
import { meetTensor, nacTensor, ranked, tensorStatesEqual, VALUE_NAC, type Dim, type TensorState } from '../lattice.js';
import { dimConst } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { constNumbers } from './value-rules.js';

/** Loop bodies whose carried states have not settled after this many Merges are given up as nac. */
const MAX_LOOP_ITERATIONS = 16;

export const loopOp: OpDefinition = {
  opTypes: ['Loop'],
  opClass: 'Exec->O(S,V)',
  update(node, [tripIn, condIn, ...initial], ctx) {
    const body = attrGraph(node, 'body');
    if (!body) throw new Error(`Loop node '${node.name}' lacks its body graph`);
    const carriedCount = initial.length;
    const iterState: TensorState = { dtype: 'int64', shape: ranked([]), value: VALUE_NAC };
    const condState: TensorState = { dtype: 'bool', shape: ranked([]), value: VALUE_NAC };
    let carried = initial.map((t) => t ?? nacTensor());
    let out: TensorState[] = [];
    let settled = false;
    for (let i = 0; i < MAX_LOOP_ITERATIONS && !settled; i++) {
      out = ctx.analyzeSubgraph(body, [iterState, condState, ...carried]);
      const next = carried.map((t, k) => meetTensor(t, out[1 + k] ?? nacTensor()));
      settled = next.every((t, k) => tensorStatesEqual(t, carried[k]));
      carried = next;
    }
    if (!settled) carried = carried.map((t) => nacTensor(t.dtype));
    const trip = tripIn ? constNumbers(tripIn)?.[0] : undefined;
    // a condition that is absent or a known true constant never stops the loop early
    const condOut = out[0];
    const condAlwaysTrue = (!condIn || constNumbers(condIn)?.[0] === 1) && (condOut?.value.kind === 'const' && condOut.value.elems?.[0] === 1);
    const iterations: Dim = trip !== undefined && condAlwaysTrue ? dimConst(trip) : null;
    const scans = out.slice(1 + carriedCount).map((s): TensorState => ({
      dtype: s.dtype,
      shape: s.shape.kind === 'ranked' ? ranked([iterations, ...s.shape.dims]) : s.shape,
      value: VALUE_NAC,
    }));
    return { outputs: [...carried, ...scans], nacReason: iterations ? undefined : 'iteration count is known only after execution' };
  },
};

// Value rules shared by operator transfer functions: reading tracked values, deciding between a tracked,
// an operator-inferred and a nac output value, and turning ONNX tensors into lattice states.
import type { Tensor } from '../../onnx/graph.js';
import {
  isCompileTimeValue, knownElementCount, MAX_TRACKED_ELEMENTS, ranked, valueElems, valueFromElems, VALUE_INFERRED, VALUE_NAC,
  type ShapeState, type TensorState, type ValueState,
} from '../lattice.js';
import { dimValue, type DimExpr } from '../symbolic-dim.js';

/** Elements of a known constant tracked value as numbers. */
export function constNumbers(t: TensorState | undefined): number[] | undefined {
  return t?.value.kind === 'const' && t.value.elems ? t.value.elems : undefined;
}

/** Tracked elements (numbers or dim expressions). */
export function trackedElems(t: TensorState | undefined): DimExpr[] | undefined {
  return t ? valueElems(t.value) : undefined;
}

/**
 * The output value of an op whose value depends on its inputs' values: computed elements when
 * every input is tracked and the output is small, operator-inferred when every input is a
 * constant (known or inferred), nac otherwise.
 */
export function derivedValue(inputs: (TensorState | undefined)[], outShape: ShapeState, compute?: () => DimExpr[] | undefined): ValueState {
  const present = inputs.filter((t): t is TensorState => t !== undefined);
  if (!present.every((t) => isCompileTimeValue(t.value))) return VALUE_NAC;
  const n = knownElementCount(outShape);
  if (compute && n !== undefined && n <= MAX_TRACKED_ELEMENTS && present.every((t) => valueElems(t.value))) {
    const elems = compute();
    if (elems && elems.length === n) return valueFromElems(elems);
  }
  // a result that depends on a symbol but cannot be written as dim expressions (Less(h, 30)) varies at run time
  return present.some((t) => t.value.kind === 'symbolic') ? VALUE_NAC : VALUE_INFERRED;
}

function toNumber(v: number | bigint | string): number { return typeof v === 'string' ? Number.NaN : Number(v); }

/** An initializer or Constant's tensor as a known constant (elements kept when small and numeric). */
export function tensorState(t: Tensor): TensorState {
  const n = t.dims.reduce((a, b) => a * b, 1);
  const elems = n <= MAX_TRACKED_ELEMENTS && t.dtype !== 'string' && t.dtype !== 'float16'
    ? Array.from(t.data as ArrayLike<number | bigint>, toNumber) : null;
  return { dtype: t.dtype, shape: ranked(t.dims), value: { kind: 'const', elems } };
}

/** Whole-number value of a tracked scalar-or-1-element tensor. */
export function constScalar(t: TensorState | undefined): number | undefined {
  const e = trackedElems(t);
  return e && e.length === 1 ? dimValue(e[0]) : undefined;
}

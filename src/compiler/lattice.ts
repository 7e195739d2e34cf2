// The data-flow domain of the paper's Figure 3, for a tensor's shape and its value:
// undefined (top) > known constant / symbolic constant / operator-inferred constant > not-a-constant (bottom).
import type { DataType } from '../onnx/graph.js';
import { dimConst, dimEqual, dimIsOpaqueFree, dimValue, formatDim, type DimExpr } from './symbolic-dim.js';

/** One dim of a shape: a known or symbolic expression, or null (not a constant). */
export type Dim = DimExpr | null;

/** undefined: not reached yet; nac: not even the rank is known; ranked: rank known, dims per their lattice. */
export type ShapeState =
  | { kind: 'undefined' }
  | { kind: 'nac' }
  | { kind: 'ranked'; dims: Dim[] };

/**
 * const: a known constant (elements kept when small, null for e.g. weight initializers);
 * symbolic: a small integer tensor whose elements are dim expressions (e.g. Shape of [N,3,h,w]);
 * inferred: fixed at compile time by operators over constants, elements not tracked;
 * nac: depends on runtime data.
 */
export type ValueState =
  | { kind: 'undefined' }
  | { kind: 'const'; elems: number[] | null }
  | { kind: 'symbolic'; elems: DimExpr[] }
  | { kind: 'inferred' }
  | { kind: 'nac' };

export type ValueKind = ValueState['kind'];

export interface TensorState {
  dtype: DataType | null;
  shape: ShapeState;
  value: ValueState;
}

/** Values are tracked element by element only for tensors this small (shape arithmetic, not images). */
export const MAX_TRACKED_ELEMENTS = 64;

export const SHAPE_UNDEFINED: ShapeState = { kind: 'undefined' };
export const SHAPE_NAC: ShapeState = { kind: 'nac' };
export const VALUE_UNDEFINED: ValueState = { kind: 'undefined' };
export const VALUE_NAC: ValueState = { kind: 'nac' };
export const VALUE_INFERRED: ValueState = { kind: 'inferred' };

/** A ranked shape; a dim that mentions an opaque (unknown) symbol is not a constant. */
export function ranked(dims: (Dim | number)[]): ShapeState {
  return { kind: 'ranked', dims: dims.map((d) => (typeof d === 'number' ? dimConst(d) : d && dimIsOpaqueFree(d) ? d : null)) };
}

/** The value as reported outside the analysis: a partly unknown (opaque) tracked value is nac. */
export function reportedValue(v: ValueState): ValueState {
  return v.kind === 'symbolic' && !v.elems.every(dimIsOpaqueFree) ? VALUE_NAC : v;
}

export function undefinedTensor(): TensorState { return { dtype: null, shape: SHAPE_UNDEFINED, value: VALUE_UNDEFINED }; }
export function nacTensor(dtype: DataType | null = null): TensorState { return { dtype, shape: SHAPE_NAC, value: VALUE_NAC }; }

/** A value from its elements: const when all are numbers, symbolic otherwise. */
export function valueFromElems(elems: DimExpr[]): ValueState {
  const nums = elems.map(dimValue);
  return nums.every((n): n is number => n !== undefined) ? { kind: 'const', elems: nums } : { kind: 'symbolic', elems };
}

/** Elements of a tracked value as expressions, or undefined when the value is not tracked. */
export function valueElems(v: ValueState): DimExpr[] | undefined {
  if (v.kind === 'symbolic') return v.elems;
  if (v.kind === 'const' && v.elems) return v.elems.map(dimConst);
  return undefined;
}

/** The value is fixed at compile time (whether or not its elements are tracked). */
export function isCompileTimeValue(v: ValueState): boolean {
  return v.kind === 'const' || v.kind === 'symbolic' || v.kind === 'inferred';
}

/** Every dim is a known number: the concrete shape, else undefined. */
export function knownDims(s: ShapeState): number[] | undefined {
  if (s.kind !== 'ranked') return undefined;
  const out: number[] = [];
  for (const d of s.dims) { const v = d && dimValue(d); if (v === undefined || v === null) return undefined; out.push(v); }
  return out;
}

export function knownElementCount(s: ShapeState): number | undefined {
  return knownDims(s)?.reduce((a, b) => a * b, 1);
}

export function dimsEqual(a: Dim, b: Dim): boolean { return a !== null && b !== null && dimEqual(a, b); }

/** Merge (meet) of two dims: equal ones survive, anything else is not a constant. */
export function meetDim(a: Dim, b: Dim): Dim { return dimsEqual(a, b) ? a : null; }

export function meetShape(a: ShapeState, b: ShapeState): ShapeState {
  if (a.kind === 'undefined') return b;
  if (b.kind === 'undefined') return a;
  if (a.kind === 'nac' || b.kind === 'nac' || a.dims.length !== b.dims.length) return SHAPE_NAC;
  return { kind: 'ranked', dims: a.dims.map((d, i) => meetDim(d, b.dims[i])) };
}

function sameElems(a: ValueState, b: ValueState): boolean {
  const ea = valueElems(a), eb = valueElems(b);
  return !!ea && !!eb && ea.length === eb.length && ea.every((x, i) => dimEqual(x, eb[i]));
}

export function meetValue(a: ValueState, b: ValueState): ValueState {
  if (a.kind === 'undefined') return b;
  if (b.kind === 'undefined') return a;
  return sameElems(a, b) ? a : VALUE_NAC;
}

export function meetTensor(a: TensorState, b: TensorState): TensorState {
  return { dtype: a.dtype ?? b.dtype, shape: meetShape(a.shape, b.shape), value: meetValue(a.value, b.value) };
}

function shapeKey(s: ShapeState): string {
  return s.kind === 'ranked' ? `[${s.dims.map((d) => (d ? formatDim(d) : '?')).join(',')}]` : s.kind;
}
function valueKey(v: ValueState): string {
  if (v.kind === 'symbolic') return `sym[${v.elems.map(formatDim).join(',')}]`;
  if (v.kind === 'const') return `const${v.elems ? `[${v.elems.join(',')}]` : ''}`;
  return v.kind;
}
/** Structural equality, used to detect the fixpoint. */
export function tensorStatesEqual(a: TensorState, b: TensorState): boolean {
  return a.dtype === b.dtype && shapeKey(a.shape) === shapeKey(b.shape) && valueKey(a.value) === valueKey(b.value);
}

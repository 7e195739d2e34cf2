// Shape rules shared by operator transfer functions: rank/dims access, axis normalisation, broadcasting.
import { dimsEqual, ranked, SHAPE_NAC, type Dim, type ShapeState, type TensorState } from '../lattice.js';
import { dimValue } from '../symbolic-dim.js';

/** The dims of a ranked shape, else undefined. */
export function dimsOf(t: TensorState | undefined): Dim[] | undefined {
  return t?.shape.kind === 'ranked' ? t.shape.dims : undefined;
}

export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** One broadcast dim (numpy rules); unknown when two different non-1 symbolic dims meet. */
function broadcastDim(a: Dim, b: Dim): Dim {
  const av = a ? dimValue(a) : undefined, bv = b ? dimValue(b) : undefined;
  if (av === 1) return b;
  if (bv === 1) return a;
  if (dimsEqual(a, b)) return a;
  // a valid model pairs a known non-1 dim only with itself or 1, so the known one wins
  if (av !== undefined) return a;
  if (bv !== undefined) return b;
  return null;
}

export function broadcastShapes(shapes: ShapeState[]): ShapeState {
  if (shapes.some((s) => s.kind !== 'ranked')) return SHAPE_NAC;
  const all = shapes.map((s) => (s.kind === 'ranked' ? s.dims : []));
  const rank = Math.max(...all.map((d) => d.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim | undefined;
    for (const dims of all) {
      const k = i - (rank - dims.length);
      if (k < 0) continue;
      d = d === undefined ? dims[k] : broadcastDim(d, dims[k]);
    }
    out.push(d ?? null);
  }
  return ranked(out);
}

/** Row-major strides of concrete dims. */
export function stridesOf(dims: number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1] * dims[i + 1];
  return s;
}

/** Every multi-index of concrete dims in row-major order. */
export function* indicesOf(dims: number[]): Generator<number[]> {
  const n = dims.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < n; k++) {
    yield [...idx];
    for (let i = dims.length - 1; i >= 0; i--) { if (++idx[i] < dims[i]) break; idx[i] = 0; }
  }
}

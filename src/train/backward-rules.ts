// Hand-derived backward rules, one per ONNX operator the training graph uses. Each returns the
// gradient of every input that needs one, as new nodes on the tape. Where the derivative is a choice:
// relu'(0) = 0 (as tfjs) and |x|'(0) = 0 (as PyTorch; tfjs takes -1, which differs only where a
// prediction equals its target exactly). Masks are Sign products: onnxruntime's Where and Cast ran
// about 10x slower than Sign and Mul here.
import { attr } from '../onnx/graph-builder.js';
import type { Attribute } from '../onnx/graph.js';
import type { BackwardContext, BackwardRule, Tape } from './autodiff.js';

const ints = (a: Attribute | undefined): number[] | undefined => (a?.type === 'ints' ? a.value : undefined);
const int = (a: Attribute | undefined): number | undefined => (a?.type === 'int' ? a.value : undefined);
const str = (a: Attribute | undefined): string | undefined => (a?.type === 'string' ? a.value : undefined);
const prod = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/** Sums `g` (shaped like the broadcast result) down to `shape`, the shape of the input that was broadcast. */
function unbroadcast(t: Tape, g: string, shape: number[]): string {
  const gs = t.shape(g);
  if (gs.join(',') === shape.join(',')) return g;
  const lead = gs.length - shape.length;
  const axes = gs.map((d, i) => i).filter((i) => i < lead || (shape[i - lead] === 1 && gs[i] !== 1));
  const kept = gs.map((d, i) => (axes.includes(i) ? 1 : d));
  const summed = t.op('ReduceSum', [g, t.i64(axes)], { keepdims: attr.int(1) }, kept);
  return t.op('Reshape', [summed, t.i64(shape)], {}, shape);
}

/**
 * dW of a stride-1 conv, OIHW: dW[o,i,a,b] = sum_{n,y,x} x[n,i,y,x] dy[n,o,y-a+ph,x-b+pw] (zero outside).
 * The kh*kw shifted copies (im2col) are cut from whichever of x and dy has fewer channels, by one conv of
 * each channel plane with one-hot filters (flipped for dy), then one batched MatMul with the other and a sum
 * over the batch. In onnxruntime this measured 3x faster than a conv with dy as the filter (the tfjs
 * trainer's way) and faster than taps cut with Pad/Slice/Concat, which are slow there.
 */
function convWeightGradient(t: Tape, x: string, dy: string, ws: number[], pads: number[]): string {
  const [n, ci, h, w] = t.shape(x);
  const [co, , kh, kw] = ws;
  const kk = kh * kw;
  const fromDy = co < ci;
  const [src, other, c, cOther] = fromDy ? [dy, x, co, ci] : [x, dy, ci, co];
  // tap t = a*kw + b; for dy the one-hot sits at the mirrored position, which reads dy[y + ph - a, x + pw - b]
  const eye = Array.from({ length: kk * kk }, (_, i) => {
    const [tap, pos] = [Math.floor(i / kk), i % kk];
    return (fromDy ? kk - 1 - tap : tap) === pos ? 1 : 0;
  });
  const planes = t.op('Reshape', [src, t.i64([n * c, 1, h, w])], {}, [n * c, 1, h, w]);
  const taps = t.op('Conv', [planes, t.f32([kk, 1, kh, kw], eye)], { pads: attr.ints(pads) }, [n * c, kk, h, w]);
  const cols = t.op('Reshape', [taps, t.i64([n, c * kk, h * w])], {}, [n, c * kk, h * w]);
  const otherT = t.op('Transpose', [t.op('Reshape', [other, t.i64([n, cOther, h * w])], {}, [n, cOther, h * w])], { perm: attr.ints([0, 2, 1]) }, [n, h * w, cOther]);
  const perSample = t.op('MatMul', [cols, otherT], {}, [n, c * kk, cOther]);
  const summed = t.op('ReduceSum', [perSample, t.i64([0])], { keepdims: attr.int(0) }, [c * kk, cOther]);
  const grid = t.op('Reshape', [summed, t.i64([c, kh, kw, cOther])], {}, [c, kh, kw, cOther]);
  // [i, a, b, o] -> OIHW, or [o, a, b, i] -> OIHW
  return t.op('Transpose', [grid], { perm: attr.ints(fromDy ? [0, 3, 1, 2] : [3, 0, 1, 2]) }, ws);
}

/** Conv (2-D, stride 1, no dilation, one group, symmetric pads) with weight W [O,I,kh,kw] and optional bias. */
const conv: BackwardRule = ({ t, node, dy, needs }) => {
  const [x, w] = node.inputs;
  const pads = ints(node.attributes.pads) ?? [0, 0, 0, 0];
  const strides = ints(node.attributes.strides) ?? [1, 1];
  const dil = ints(node.attributes.dilations) ?? [1, 1];
  if (strides.some((v) => v !== 1) || dil.some((v) => v !== 1) || (int(node.attributes.group) ?? 1) !== 1 || pads[0] !== pads[2] || pads[1] !== pads[3]) {
    throw new Error(`Conv backward supports stride 1, dilation 1, one group and symmetric pads; node '${node.output}' has strides [${strides}], dilations [${dil}], pads [${pads}]`);
  }
  const xs = t.shape(x), ws = t.shape(w), ys = t.shape(dy);
  const out = ['', '', ''];
  // dx is a conv of dy with the filter flipped in space and its I/O swapped (same pads give back the
  // input size); onnxruntime's ConvTranspose, the same maths, measured about 4x slower than its Conv
  if (needs[0]) {
    const swapped = t.op('Transpose', [w], { perm: attr.ints([1, 0, 2, 3]) }, [ws[1], ws[0], ws[2], ws[3]]);
    const flipped = t.op('Slice', [swapped, t.i64([-1, -1]), t.i64([-ws[2] - 1, -ws[3] - 1]), t.i64([2, 3]), t.i64([-1, -1])], {}, [ws[1], ws[0], ws[2], ws[3]]);
    out[0] = t.op('Conv', [dy, flipped], { pads: attr.ints(pads) }, xs);
  }
  // dW[o,i,a,b] = sum_{n,y,x} xpad[n,i,y+a,x+b] dy[n,o,y,x]: the kh*kw shifted views of x side by side
  // (im2col) times dy as one batched MatMul, summed over the batch (a conv with dy as a 48x48 filter,
  // as the tfjs trainer does, measured 3x slower than this in onnxruntime)
  if (needs[1]) out[1] = convWeightGradient(t, x, dy, ws, pads);
  if (needs[2]) out[2] = t.op('ReduceSum', [dy, t.i64([0, 2, 3])], { keepdims: attr.int(0) }, [ys[1]]);
  return out;
};

/** dy * sign(relu(x)): the output is >= 0, so its sign is the 0/1 mask, and the Relu may still fuse into its Conv. */
const relu: BackwardRule = ({ t, node, dy }) => {
  const y = node.output;
  return [t.op('Mul', [dy, t.op('Sign', [y], {}, t.shape(y))], {}, t.shape(y))];
};

const abs: BackwardRule = ({ t, node, dy }) => {
  const [x] = node.inputs;
  return [t.op('Mul', [dy, t.op('Sign', [x], {}, t.shape(x))], {}, t.shape(x))];
};

const add: BackwardRule = ({ t, node, dy, needs }) =>
  node.inputs.map((i, k) => (needs[k] ? unbroadcast(t, dy, t.shape(i)) : ''));

const sub: BackwardRule = ({ t, node, dy, needs }) => {
  const [a, b] = node.inputs;
  return [
    needs[0] ? unbroadcast(t, dy, t.shape(a)) : '',
    needs[1] ? unbroadcast(t, t.op('Neg', [dy], {}, t.shape(dy)), t.shape(b)) : '',
  ];
};

const mul: BackwardRule = ({ t, node, dy, needs }) => {
  const [a, b] = node.inputs;
  return [
    needs[0] ? unbroadcast(t, t.op('Mul', [dy, b], {}, t.shape(dy)), t.shape(a)) : '',
    needs[1] ? unbroadcast(t, t.op('Mul', [dy, a], {}, t.shape(dy)), t.shape(b)) : '',
  ];
};

const neg: BackwardRule = ({ t, dy }) => [t.op('Neg', [dy], {}, t.shape(dy))];

const identity: BackwardRule = ({ dy }) => [dy];

/** DepthToSpace is a reshape-transpose-reshape, so its gradient is the inverse permutation of dy. */
const depthToSpace: BackwardRule = ({ t, node, dy }) => {
  const xs = t.shape(node.inputs[0]);
  const s = int(node.attributes.blocksize);
  if (!s) throw new Error(`DepthToSpace node '${node.output}' has no blocksize`);
  const mode = str(node.attributes.mode) ?? 'DCR';
  const [n, cIn, h, w] = xs;
  const c = cIn / (s * s);
  // dy viewed as [n, c, h, s_i, w, s_j]; CRD packs channels as (c, s_i, s_j), DCR as (s_i, s_j, c)
  const view = t.op('Reshape', [dy, t.i64([n, c, h, s, w, s])], {}, [n, c, h, s, w, s]);
  const perm = mode === 'CRD' ? [0, 1, 3, 5, 2, 4] : [0, 3, 5, 1, 2, 4];
  const permuted = t.op('Transpose', [view], { perm: attr.ints(perm) }, perm.map((p) => [n, c, h, s, w, s][p]));
  return [t.op('Reshape', [permuted, t.i64(xs)], {}, xs)];
};

const transpose: BackwardRule = ({ t, node, dy }) => {
  const xs = t.shape(node.inputs[0]);
  const perm = ints(node.attributes.perm) ?? xs.map((_, i) => xs.length - 1 - i);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return [t.op('Transpose', [dy], { perm: attr.ints(inverse) }, xs)];
};

/** Slice with constant starts/ends/axes and unit steps: dx is dy padded back with zeros. */
const slice: BackwardRule = ({ t, node, dy }) => {
  const [x, startsName, endsName, axesName, stepsName] = node.inputs;
  const xs = t.shape(x);
  const starts = t.constValue(startsName, 'Slice starts');
  const ends = t.constValue(endsName, 'Slice ends');
  const axes = axesName ? t.constValue(axesName, 'Slice axes') : starts.map((_, i) => i);
  if (stepsName && t.constValue(stepsName, 'Slice steps').some((v) => v !== 1)) throw new Error(`Slice backward supports unit steps only (node '${node.output}')`);
  const before = xs.map(() => 0), after = xs.map(() => 0);
  axes.forEach((a0, k) => {
    const a = a0 < 0 ? a0 + xs.length : a0;
    const clamp = (v: number): number => Math.min(xs[a], Math.max(0, v < 0 ? v + xs[a] : v));
    before[a] = clamp(starts[k]);
    after[a] = xs[a] - clamp(ends[k]);
  });
  return [t.op('Pad', [dy, t.i64([...before, ...after])], {}, xs), '', '', '', ''].slice(0, node.inputs.length);
};

/** ReduceMean/ReduceSum: dy broadcast back over the reduced axes (divided by their size for the mean). */
function reduceRule(mean: boolean): BackwardRule {
  return ({ t, node, dy }: BackwardContext) => {
    const xs = t.shape(node.inputs[0]);
    const fromAttr = ints(node.attributes.axes);
    const fromInput = node.inputs[1] ? t.constValue(node.inputs[1], `${node.opType} axes`) : undefined;
    const axes = (fromAttr ?? fromInput ?? xs.map((_, i) => i)).map((a) => (a < 0 ? a + xs.length : a));
    const kept = xs.map((d, i) => (axes.includes(i) ? 1 : d));
    let g = (int(node.attributes.keepdims) ?? 1) === 1 ? dy : t.op('Reshape', [dy, t.i64(kept)], {}, kept);
    if (mean) g = t.op('Mul', [g, t.scalar(1 / prod(axes.map((a) => xs[a])))], {}, kept);
    const dx = t.op('Expand', [g, t.i64(xs)], {}, xs);
    return node.inputs.map((_, i) => (i === 0 ? dx : ''));
  };
}

export const BACKWARD_RULES: Record<string, BackwardRule> = {
  Conv: conv,
  Relu: relu,
  Abs: abs,
  Add: add,
  Sub: sub,
  Mul: mul,
  Neg: neg,
  Identity: identity,
  DepthToSpace: depthToSpace,
  Transpose: transpose,
  Slice: slice,
  ReduceMean: reduceRule(true),
  ReduceSum: reduceRule(false),
};

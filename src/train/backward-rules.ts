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
 * dW of a stride-1 conv, OIHW: dW[o,i,a,b] = sum_{n,y,x} xpad[n,i,y+a,x+b] dy[n,o,y,x]. The taps of x
 * (im2col) come from one conv of every channel with one-hot kh*kw filters, then one batched MatMul with dy
 * and a sum over the batch. In onnxruntime this measured 3x faster than a conv with dy as the filter (as
 * the tfjs trainer does) and faster than taps cut with Pad/Slice, which are slow there.
 */
function convWeightGradient(t: Tape, x: string, dy: string, ws: number[], pads: number[]): string {
  const [n, ci, h, w] = t.shape(x);
  const [co, , kh, kw] = ws;
  const kk = kh * kw;
  const eye = Array.from({ length: kk * kk }, (_, i) => (Math.floor(i / kk) === i % kk ? 1 : 0));
  const planes = t.op('Reshape', [x, t.i64([n * ci, 1, h, w])], {}, [n * ci, 1, h, w]);
  const taps = t.op('Conv', [planes, t.f32([kk, 1, kh, kw], eye)], { pads: attr.ints(pads) }, [n * ci, kk, h, w]);
  // cols[n, i*kk + a*kw + b, y*w + x] = xpad[n, i, y+a, x+b]
  const cols = t.op('Reshape', [taps, t.i64([n, ci * kk, h * w])], {}, [n, ci * kk, h * w]);
  const dyT = t.op('Transpose', [t.op('Reshape', [dy, t.i64([n, co, h * w])], {}, [n, co, h * w])], { perm: attr.ints([0, 2, 1]) }, [n, h * w, co]);
  const perSample = t.op('MatMul', [cols, dyT], {}, [n, ci * kk, co]);
  const summed = t.op('ReduceSum', [perSample, t.i64([0])], { keepdims: attr.int(0) }, [ci * kk, co]);
  const ikko = t.op('Reshape', [summed, t.i64([ci, kh, kw, co])], {}, [ci, kh, kw, co]);
  return t.op('Transpose', [ikko], { perm: attr.ints([3, 0, 1, 2]) }, ws);
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

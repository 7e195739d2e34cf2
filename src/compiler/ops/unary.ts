// Shape-preserving one-input operators (Relu, Sigmoid, Round, Not, Identity, ...): I(S)->O(S).
// Values are computed for the few that shape arithmetic uses (Identity, Neg, Abs, Floor, Ceil, Round, Not, Relu, Sign).
import type { DataType } from '../../onnx/graph.js';
import { dimConst, dimNeg, dimValue, isDimNonNegative, type DimExpr } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { derivedValue, trackedElems } from './value-rules.js';

type ElemFn = (e: DimExpr) => DimExpr | undefined;
const onNumber = (f: (v: number) => number): ElemFn => (e) => { const v = dimValue(e); return v === undefined ? undefined : dimConst(f(v)); };
const roundHalfEven = (v: number): number => { const r = Math.round(v); return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; };

const valueFns: Record<string, ElemFn> = {
  Identity: (e) => e,
  Neg: (e) => dimNeg(e),
  Abs: (e) => (isDimNonNegative(e) ? e : onNumber(Math.abs)(e)),
  Relu: (e) => (isDimNonNegative(e) ? e : onNumber((v) => Math.max(v, 0))(e)),
  Floor: (e) => (e.terms.every((t) => Number.isInteger(t.coeff)) ? e : onNumber(Math.floor)(e)),
  Ceil: (e) => (e.terms.every((t) => Number.isInteger(t.coeff)) ? e : onNumber(Math.ceil)(e)),
  Round: (e) => (e.terms.every((t) => Number.isInteger(t.coeff)) ? e : onNumber(roundHalfEven)(e)),
  Sign: onNumber(Math.sign),
  Not: onNumber((v) => (v ? 0 : 1)),
  Sqrt: onNumber(Math.sqrt), Exp: onNumber(Math.exp), Log: onNumber(Math.log), Reciprocal: onNumber((v) => 1 / v),
};

const BOOL_OUTPUT = new Set(['Not', 'IsNaN', 'IsInf']);
const SHAPE_PRESERVING = [
  'Identity', 'Relu', 'Sigmoid', 'Tanh', 'Exp', 'Log', 'Sqrt', 'Abs', 'Neg', 'Floor', 'Ceil', 'Round', 'Reciprocal', 'Sign',
  'Erf', 'Sin', 'Cos', 'Softplus', 'Softsign', 'LeakyRelu', 'Elu', 'Selu', 'Celu', 'HardSigmoid', 'HardSwish', 'Gelu', 'Mish',
  'ThresholdedRelu', 'Not', 'IsNaN', 'IsInf', 'Dropout',
];

export const unaryOps: OpDefinition = {
  opTypes: SHAPE_PRESERVING,
  opClass: 'I(S)->O(S)',
  update(node, [x]) {
    const dtype: DataType | null = BOOL_OUTPUT.has(node.opType) ? 'bool' : x!.dtype;
    const fn = valueFns[node.opType];
    const value = derivedValue([x], x!.shape, fn && (() => {
      const out = trackedElems(x)!.map(fn);
      return out.every((e): e is DimExpr => e !== undefined) ? out : undefined;
    }));
    const outputs = [{ dtype, shape: x!.shape, value }];
    // Dropout's optional mask output (inference mode: all true)
    if (node.opType === 'Dropout' && node.outputs.length > 1) outputs.push({ dtype: 'bool', shape: x!.shape, value: derivedValue([x], x!.shape) });
    return { outputs };
  },
};

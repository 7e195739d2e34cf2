// Conv and ConvTranspose: I(S)->O(S). Spatial dims follow ONNX's formulas (pads, strides,
// dilations, auto_pad) as dim expressions, so a 3x3 pad-1 conv keeps "h" and a stride-2 one gives floor((h+1)/2).
import { attrInt, attrInts, attrString, type Node } from '../../onnx/graph.js';
import { ranked, SHAPE_NAC, type Dim, type ShapeState } from '../lattice.js';
import { dimAdd, dimCeilDiv, dimConst, dimFloorDiv, dimMul, dimSub, dimValue, type DimExpr } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { dimsOf } from './shape-rules.js';
import { derivedValue } from './value-rules.js';

export interface WindowParams { kernel: number[]; strides: number[]; dilations: number[]; pads: number[]; autoPad: string; ceilMode: boolean }

export function windowParams(node: Node, kernel: number[]): WindowParams {
  const k = kernel.length;
  return {
    kernel,
    strides: attrInts(node, 'strides') ?? new Array<number>(k).fill(1),
    dilations: attrInts(node, 'dilations') ?? new Array<number>(k).fill(1),
    pads: attrInts(node, 'pads') ?? new Array<number>(2 * k).fill(0),
    autoPad: attrString(node, 'auto_pad', 'NOTSET'),
    ceilMode: attrInt(node, 'ceil_mode', 0) === 1,
  };
}

/** Output spatial dims of a sliding window (Conv, pools). */
export function windowOutputDims(spatial: Dim[], p: WindowParams): Dim[] {
  return spatial.map((d, i) => {
    if (d === null) return null;
    const s = dimConst(p.strides[i]);
    if (p.autoPad === 'SAME_UPPER' || p.autoPad === 'SAME_LOWER') return dimCeilDiv(d, s) ?? null;
    const effKernel = p.dilations[i] * (p.kernel[i] - 1) + 1;
    const pads = p.autoPad === 'VALID' ? 0 : p.pads[i] + p.pads[i + spatial.length];
    const span = dimAdd(d, dimConst(pads - effKernel));
    const steps = p.ceilMode ? dimCeilDiv(span, s) : dimFloorDiv(span, s);
    return steps ? dimAdd(steps, dimConst(1)) : null;
  });
}

function convTransposeDims(spatial: Dim[], node: Node, p: WindowParams): Dim[] {
  const outputShape = attrInts(node, 'output_shape');
  if (outputShape) return outputShape.map((v) => dimConst(v));
  const outPad = attrInts(node, 'output_padding') ?? new Array<number>(spatial.length).fill(0);
  return spatial.map((d, i) => {
    if (d === null) return null;
    if (p.autoPad === 'SAME_UPPER' || p.autoPad === 'SAME_LOWER') return dimMul(d, dimConst(p.strides[i]));
    const pads = p.autoPad === 'VALID' ? 0 : p.pads[i] + p.pads[i + spatial.length];
    // stride*(in-1) + output_padding + (k-1)*dilation + 1 - pads
    return dimAdd(dimMul(dimSub(d, dimConst(1)), dimConst(p.strides[i])), dimConst(outPad[i] + (p.kernel[i] - 1) * p.dilations[i] + 1 - pads));
  });
}

export const convOps: OpDefinition = {
  opTypes: ['Conv', 'ConvTranspose'],
  opClass: 'I(S)->O(S)',
  update(node, [x, w, b]) {
    const xd = dimsOf(x), wd = dimsOf(w);
    let shape: ShapeState = SHAPE_NAC;
    if (xd && wd) {
      const kernelAttr = attrInts(node, 'kernel_shape');
      const kernel = kernelAttr ?? wd.slice(2).map((d) => (d ? dimValue(d) : undefined));
      if (kernel.every((v): v is number => v !== undefined)) {
        const p = windowParams(node, kernel);
        const group = attrInt(node, 'group', 1);
        const spatial = xd.slice(2);
        const outChannels: Dim = node.opType === 'Conv' ? wd[0] : wd[1] && dimMul(wd[1] as DimExpr, dimConst(group));
        const dims = node.opType === 'Conv' ? windowOutputDims(spatial, p) : convTransposeDims(spatial, node, p);
        shape = ranked([xd[0], outChannels, ...dims]);
      } else {
        shape = ranked(new Array<null>(xd.length).fill(null));
      }
    }
    return { outputs: [{ dtype: x!.dtype, shape, value: derivedValue([x, w, b], shape) }] };
  },
};

// The fused operators the fusion pass (../passes/fuse.ts) writes, in dydca's own domain: their input
// layout and their Update (I(S)->O(S)), built from Conv's and DepthToSpace's transfer functions.
import type { Node } from '../../onnx/graph.js';
import { convOps } from './conv.js';
import { depthToSpaceOps } from './depth-to-space.js';
import type { OpDefinition } from './op-types.js';

export const FUSED_DOMAIN = 'ai.dydca';

/**
 * FusedConv inputs: [x, w, b, residual?, shift?]; y = conv(x - shift, w) + b (x - shift is zero-padded),
 * then max(y, 0) when attr relu=1, then y + residual.
 * FusedSRTail inputs: [xA, wA, bA, shiftA?, xB, wB, bB, shiftB?, outBias]; attrs pads_a, pads_b, blocksize:
 * out = DepthToSpace_CRD(convA + convB, blocksize) + outBias.
 */
export const FUSED_CONV = { x: 0, w: 1, b: 2, residual: 3, shift: 4 } as const;
export const FUSED_TAIL = { xA: 0, wA: 1, bA: 2, shiftA: 3, xB: 4, wB: 5, bB: 6, shiftB: 7, outBias: 8 } as const;

export const fusedConvOp: OpDefinition = {
  opTypes: ['FusedConv'],
  opClass: 'I(S)->O(S)',
  // shift, ReLU and the residual keep the conv's shape
  update: (node, inputs, ctx) => convOps.update({ ...node, opType: 'Conv', domain: '' }, [inputs[FUSED_CONV.x], inputs[FUSED_CONV.w], inputs[FUSED_CONV.b]], ctx),
};

export const fusedSRTailOp: OpDefinition = {
  opTypes: ['FusedSRTail'],
  opClass: 'I(S)->O(S)',
  update(node, inputs, ctx) {
    const convA: Node = { ...node, opType: 'Conv', domain: '', attributes: { pads: node.attributes.pads_a } };
    const [features] = convOps.update(convA, [inputs[FUSED_TAIL.xA], inputs[FUSED_TAIL.wA], inputs[FUSED_TAIL.bA]], ctx).outputs;
    const shuffle: Node = { ...node, opType: 'DepthToSpace', domain: '', attributes: { blocksize: node.attributes.blocksize } };
    return depthToSpaceOps.update(shuffle, [features], ctx);
  },
};

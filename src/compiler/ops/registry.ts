// The operator registry: maps an ONNX op type to its Table 1 class and Update transfer function.
import { binaryOps, whereOp } from './binary.js';
import { castOps } from './cast.js';
import { clipOp } from './clip.js';
import { concatOp } from './concat.js';
import { constantOp } from './constant.js';
import { constantOfShapeOp, eyeLikeOp } from './constant-of-shape.js';
import { convOps } from './conv.js';
import { depthToSpaceOps } from './depth-to-space.js';
import { expandOp, tileOp } from './expand.js';
import { FUSED_DOMAIN, fusedConvOp, fusedSRTailOp } from './fused.js';
import { gatherElementsOp, gatherOp } from './gather.js';
import { ifOp } from './if.js';
import { loopOp } from './loop.js';
import { matMulOps } from './matmul.js';
import { maxUnpoolOp } from './max-unpool.js';
import { nonMaxSuppressionOp, nonZeroOp } from './nonzero.js';
import { groupNormOp, normalizationOps } from './normalization.js';
import { oneHotOp } from './one-hot.js';
import type { OpDefinition } from './op-types.js';
import { padOp } from './pad.js';
import { poolOps } from './pool.js';
import { rangeOp } from './range.js';
import { reduceOps } from './reduce.js';
import { flattenOp, reshapeOp } from './reshape.js';
import { resizeOps } from './resize.js';
import { shapeOp, sizeOp } from './shape.js';
import { sliceOp } from './slice.js';
import { softmaxOps } from './softmax.js';
import { splitOp } from './split.js';
import { squeezeOps } from './squeeze.js';
import { topKOp } from './topk.js';
import { transposeOp } from './transpose.js';
import { unaryOps } from './unary.js';

const ALL: OpDefinition[] = [
  shapeOp, sizeOp, constantOfShapeOp, eyeLikeOp, constantOp,
  unaryOps, binaryOps, whereOp, castOps, clipOp, convOps, poolOps, reduceOps, softmaxOps, matMulOps,
  gatherOp, gatherElementsOp, concatOp, transposeOp, squeezeOps, depthToSpaceOps, normalizationOps,
  groupNormOp, padOp, expandOp, tileOp, rangeOp, reshapeOp, flattenOp, resizeOps, sliceOp, topKOp, oneHotOp, maxUnpoolOp, splitOp,
  ifOp, loopOp, nonZeroOp, nonMaxSuppressionOp,
];

const byOpType = new Map<string, OpDefinition>();
for (const def of ALL) {
  for (const t of def.opTypes) {
    if (byOpType.has(t)) throw new Error(`operator ${t} is registered twice`);
    byOpType.set(t, def);
  }
}

/** dydca's own operators (written by the fusion pass), in their domain. */
const fusedByOpType = new Map<string, OpDefinition>([fusedConvOp, fusedSRTailOp].flatMap((d) => d.opTypes.map((t) => [t, d] as const)));

/** The definition for an op type, or undefined for an operator the analysis does not know. */
export function lookupOp(opType: string, domain = ''): OpDefinition | undefined {
  if (domain === FUSED_DOMAIN) return fusedByOpType.get(opType);
  return domain === '' || domain === 'ai.onnx' ? byOpType.get(opType) : undefined;
}

/** Every op type the analysis knows, for docs and tests. */
export function knownOpTypes(): string[] { return [...byOpType.keys()].sort(); }

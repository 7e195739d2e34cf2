// Exports a trained dynamic SR network as one ONNX model: every path as a WDSR-A subgraph and
// the paper's routing node (Shape -> Gather -> Less -> If, nested) choosing the path by input height.
// The exact structure is agreed with the compiler and runtime (see docs/model-and-training.md).
import { GraphBuilder, attr, tensorF32, tensorI64 } from '../onnx/graph-builder.js';
import type { Model } from '../onnx/graph.js';
import { convWeights, pathConvs, blockConvName } from './path-params.js';
import type { DynamicSRSpec, PathSpec, Weights } from './spec.js';

const INPUT = 'lr';
const OUTPUT = 'hr';
const MEAN = 'mean';
/** image mean removed before and added back after every path (RGB in [0,1]) */
export const IMAGE_MEAN = 0.5;

/**
 * Height thresholds between consecutive paths (sorted by patch height, descending):
 * an input of height h goes to path k+1 when h < threshold[k]. Midpoints rounded up, which
 * for integer heights is the same test as `h < midpoint`.
 */
export function routingThresholds(spec: DynamicSRSpec): number[] {
  const paths = pathsByHeight(spec);
  return paths.slice(1).map((p, k) => Math.ceil((paths[k].patch[0] + p.patch[0]) / 2));
}

/** The path the exported model runs for an input of height `h` (the routing node's rule, in JS). */
export function routePathId(spec: DynamicSRSpec, h: number): number {
  const paths = pathsByHeight(spec);
  const thresholds = routingThresholds(spec);
  let k = 0;
  while (k < thresholds.length && h < thresholds[k]) k++;
  return paths[k].id;
}

/**
 * Throws when some path's inference input (patch height + 2*halo) would be routed to another path:
 * midpoint thresholds hold only while 2*halo stays below half the gap between patch heights.
 */
export function assertRoutableWithHalo(spec: DynamicSRSpec, halo: number): void {
  for (const p of spec.paths) {
    for (const h of [p.patch[0], p.patch[0] + 2 * halo]) {
      const got = routePathId(spec, h);
      if (got !== p.id) {
        throw new Error(`an input of height ${h} (path ${p.id}'s patch ${p.patch[0]} + 2*halo ${halo}) routes to path ${got}; use a smaller halo or patch heights further apart`);
      }
    }
  }
}

function pathsByHeight(spec: DynamicSRSpec): PathSpec[] {
  return [...spec.paths].sort((a, b) => b.patch[0] - a.patch[0]);
}

export function exportDynamicSR(spec: DynamicSRSpec, weights: Weights): Model {
  const s = spec.scale;
  const b = new GraphBuilder('dydca_dynamic_sr');
  b.input(INPUT, 'float32', ['N', 3, 'h', 'w']);
  b.initializer(MEAN, tensorF32([1, 3, 1, 1], [IMAGE_MEAN, IMAGE_MEAN, IMAGE_MEAN]));
  for (const p of spec.paths) addPathInitializers(b, p, s, weights);

  const paths = pathsByHeight(spec);
  if (paths.length === 1) {
    emitPath(b, paths[0], s, OUTPUT);
  } else {
    const [shape] = b.node('Shape', [INPUT], {}, { name: 'route/shape', outputs: ['route/shape'] });
    const idx = b.node('Constant', [], { value: attr.tensor(tensorI64([], [2])) }, { name: 'route/h_index', outputs: ['route/h_index'] })[0];
    const [hgt] = b.node('Gather', [shape, idx], { axis: attr.int(0) }, { name: 'route/height', outputs: ['route/height'] });
    emitRouting(b, paths, routingThresholds(spec), 0, hgt, s, OUTPUT);
  }
  b.output(OUTPUT, 'float32', ['N', 3, null, null]);
  return b.build(17);
}

/** Initializers of one path in the main graph; c2 carries the block's residual scale 1/sqrt(B). */
function addPathInitializers(b: GraphBuilder, p: PathSpec, s: number, weights: Weights): void {
  const residualScale = 1 / Math.sqrt(p.blocks);
  const folded = new Set(Array.from({ length: p.blocks }, (_, i) => blockConvName(p.id, i, 'c2')));
  for (const conv of pathConvs(p, s)) {
    const { w, b: bias } = convWeights(weights, conv);
    const k = folded.has(conv.name) ? residualScale : 1;
    b.initializer(`${conv.name}.w`, tensorF32(conv.dims, k === 1 ? w : w.map((v) => v * k)));
    b.initializer(`${conv.name}.b`, tensorF32([conv.dims[0]], k === 1 ? bias : bias.map((v) => v * k)));
  }
}

/** `If(hgt < t_k)`: else = path k, then = path k+1 or a nested If over the rest. Writes `out`. */
function emitRouting(b: GraphBuilder, paths: PathSpec[], thresholds: number[], k: number, hgt: string, s: number, out: string): void {
  const t = b.node('Constant', [], { value: attr.tensor(tensorI64([], [thresholds[k]])) }, { name: `route/t${k}`, outputs: [`route/t${k}`] })[0];
  const [cond] = b.node('Less', [hgt, t], {}, { name: `route/less${k}`, outputs: [`route/less${k}`] });
  const elseB = new GraphBuilder(`route/if${k}/else_p${paths[k].id}`);
  emitPath(elseB, paths[k], s, `route/if${k}/else_out`);
  elseB.output(`route/if${k}/else_out`, 'float32', null);
  const thenB = new GraphBuilder(`route/if${k}/then`);
  if (k + 2 < paths.length) emitRouting(thenB, paths, thresholds, k + 1, hgt, s, `route/if${k}/then_out`);
  else emitPath(thenB, paths[k + 1], s, `route/if${k}/then_out`);
  thenB.output(`route/if${k}/then_out`, 'float32', null);
  b.node('If', [cond], { then_branch: attr.graph(thenB.buildGraph()), else_branch: attr.graph(elseB.buildGraph()) },
    { name: `route/if${k}`, outputs: [out] });
}

/** The nodes of one WDSR-A path reading outer-scope `lr`, writing `out`; names prefixed `p{id}/`. */
function emitPath(b: GraphBuilder, p: PathSpec, s: number, out: string): void {
  const pre = `p${p.id}`;
  const node = (op: string, name: string, inputs: string[], attrs = {}): string =>
    b.node(op, inputs, attrs, { name: `${pre}/${name}`, outputs: [`${pre}/${name}`] })[0];
  const conv = (name: string, param: string, x: string, pad = 1): string =>
    node('Conv', name, [x, `${param}.w`, `${param}.b`], { pads: attr.ints([pad, pad, pad, pad]) });

  const x0 = node('Sub', 'x0', [INPUT, MEAN]);
  let f = conv('head', `${pre}.head`, x0);
  for (let i = 0; i < p.blocks; i++) {
    let t = conv(`b${i}/c1`, blockConvName(p.id, i, 'c1'), f);
    t = node('Relu', `b${i}/relu`, [t]);
    t = conv(`b${i}/c2`, blockConvName(p.id, i, 'c2'), t);
    f = node('Add', `b${i}/add`, [f, t]);
  }
  const y1 = conv('tail', `${pre}.tail`, f);
  const y2 = conv('skip', `${pre}.skip`, x0, 2);
  const y = node('Add', 'sum', [y1, y2]);
  const z = node('DepthToSpace', 'shuffle', [y], { blocksize: attr.int(s), mode: attr.string('CRD') });
  b.node('Add', [z, MEAN], {}, { name: `${pre}/out`, outputs: [out] });
}

// The parameter list of one WDSR-A path (names and OIHW shapes), shared by initialisation,
// training, the tfjs forward pass and the ONNX export so all agree on one layout.
import type { PathSpec, Weights } from './spec.js';

export interface ConvParam {
  /** conv name without the `.w`/`.b` suffix, e.g. `p1.b0.c2` */
  name: string;
  /** OIHW */
  dims: [number, number, number, number];
}

/** Skip conv kernel size (5x5 from the input straight to the tail, as in WDSR). */
export const SKIP_KERNEL = 5;

export function blockConvName(pathId: number, block: number, conv: 'c1' | 'c2'): string {
  return `p${pathId}.b${block}.${conv}`;
}

/** Every conv of path `p` in forward order: head, blocks (c1, c2), tail, skip. */
export function pathConvs(p: PathSpec, scale: number): ConvParam[] {
  const C = p.channels;
  const rC = p.expansion * C;
  const out = 3 * scale * scale;
  const convs: ConvParam[] = [{ name: `p${p.id}.head`, dims: [C, 3, 3, 3] }];
  for (let i = 0; i < p.blocks; i++) {
    convs.push({ name: blockConvName(p.id, i, 'c1'), dims: [rC, C, 3, 3] });
    convs.push({ name: blockConvName(p.id, i, 'c2'), dims: [C, rC, 3, 3] });
  }
  convs.push({ name: `p${p.id}.tail`, dims: [out, C, 3, 3] });
  convs.push({ name: `p${p.id}.skip`, dims: [out, 3, SKIP_KERNEL, SKIP_KERNEL] });
  return convs;
}

/** The weight and bias of conv `name`, with a clear error when the weights do not match the spec. */
export function convWeights(weights: Weights, conv: ConvParam): { w: Float32Array; b: Float32Array } {
  const w = weights.get(`${conv.name}.w`);
  const b = weights.get(`${conv.name}.b`);
  if (!w || !b) throw new Error(`weights lack '${conv.name}.w'/'${conv.name}.b'; were they trained for this spec?`);
  if (w.dims.join(',') !== conv.dims.join(',') || b.data.length !== conv.dims[0]) {
    throw new Error(`'${conv.name}.w' has dims [${w.dims}], expected [${conv.dims}]; the weights do not match the spec`);
  }
  return { w: w.data, b: b.data };
}

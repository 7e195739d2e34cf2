// WGSL for the operators of an unfused SR path (the `fusion` optimization off): one kernel per ONNX operator
// (Sub, Relu, Add, DepthToSpace; convs are ./conv-variant.ts kernels with nothing fused), on the same
// channel-blocked arena, Params and storage precisions as the fused kernels, so the memory plan, the schedule and
// f16 storage apply to them alike. The LR patches are gathered into the arena first and the HR centre crops are
// stored from it last (the fused head and tail do both inside their convs).
import { bindingDeclarations, storage, storageTexture, type GeneratedKernel } from './kernel-contract.js';
import { arenaBindings, blockReader, header, lrBindings, PARAMS_STRUCT, storageAccessors, vec4Blocks, type Precision } from './wgsl-common.js';

const WG = 64;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** One invocation per vec4 unit of the output (params.count patches x blocks x outH x outW), folded past 65535 workgroups. */
function unitKernel(label: string, precision: Precision, decls: string, body: string, blocks: number, outH: number, outW: number): GeneratedKernel {
  const bindings = arenaBindings(precision);
  const code = `${header(precision)}// ${label}
${PARAMS_STRUCT}
${bindingDeclarations(bindings)}
${storageAccessors(precision)}
${decls}
@compute @workgroup_size(${WG}, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let e = id.x + id.y * ${65535 * WG}u;
  let plane = params.outH * params.outW;
  if (e >= params.count * ${blocks}u * plane) { return; }
  let cb = (e / plane) % ${blocks}u;
${body}
}
`;
  return {
    label, code, bindings,
    workgroups: (count) => {
      const groups = Math.ceil((count * blocks * outH * outW) / WG);
      return groups <= 65535 ? [groups, 1, 1] : [65535, Math.ceil(groups / 65535), 1];
    },
  };
}

export type ElementwiseOp =
  | { op: 'add' }
  | { op: 'relu' }
  /** x (+|-) c with c a per-channel constant ([1, C, 1, 1]) */
  | { op: 'add-constant' | 'sub-constant'; constant: number[] };

/** out = a + b, max(a, 0), or a +/- c per channel, over a [N, C, H, W] tensor (params: inOff a, resOff b, outOff). */
export function elementwiseKernel(e: ElementwiseOp, channels: number, H: number, W: number, precision: Precision): GeneratedKernel {
  const blocks = Math.ceil(channels / 4);
  const constant = 'constant' in e ? `var<private> constants: array<vec4<f32>, ${blocks}> = array<vec4<f32>, ${blocks}>(${vec4Blocks(e.constant).join(', ')});` : '';
  const value = e.op === 'add' ? 'ldA(params.inOff + e) + ldA(params.resOff + e)'
    : e.op === 'relu' ? 'max(ldA(params.inOff + e), vec4<f32>(0.0))'
      : `ldA(params.inOff + e) ${e.op === 'add-constant' ? '+' : '-'} constants[cb]`;
  const label = `unfused_${e.op}_${channels}_${precision}${'constant' in e ? `_${e.constant.map((v) => v.toPrecision(6)).join('_')}` : ''}`;
  return unitKernel(label, precision, constant, `  stA(params.outOff + e, ${value});`, blocks, H, W);
}

/** DepthToSpace (CRD, blocksize s): [N, C*s*s, H, W] -> [N, C, s*H, s*W]; params.inH/inW are the input's. */
export function depthToSpaceKernel(channels: number, scale: number, H: number, W: number, precision: Precision): GeneratedKernel {
  const inBlocks = Math.ceil((channels * scale * scale) / 4);
  const lanes = range(4).map((l) => `  if (cb * 4u + ${l}u < ${channels}u) {
    let ci = (cb * 4u + ${l}u) * ${scale * scale}u + sub;
    v[${l}] = ldA(params.inOff + ((n * ${inBlocks}u + ci / 4u) * params.inH + y / ${scale}u) * params.inW + x / ${scale}u)[ci % 4u];
  }`).join('\n');
  const body = `  let x = e % params.outW;
  let y = (e / params.outW) % params.outH;
  let n = e / (${Math.ceil(channels / 4)}u * plane);
  let sub = (y % ${scale}u) * ${scale}u + x % ${scale}u;
  var v = vec4<f32>(0.0);
${lanes}
  stA(params.outOff + e, v);`;
  return unitKernel(`unfused_depth_to_space_${channels}_x${scale}_${precision}`, precision, '', body, Math.ceil(channels / 4), scale * H, scale * W);
}

/** The LR patches grown by the halo (clamped to the frame) -> the arena as [N, 1 block, H, W] (params.outH/outW). */
export function gatherLRKernel(halo: number, H: number, W: number, precision: Precision): GeneratedKernel {
  const bindings = [...arenaBindings(precision), ...lrBindings];
  const label = `unfused_gather_lr_h${halo}_${precision}`;
  const code = `${header(precision)}// ${label}: LR frame -> arena
${PARAMS_STRUCT}
${bindingDeclarations(bindings)}
${storageAccessors(precision)}
${blockReader('readLR', { kind: 'lr', halo }, 3, null)}
@compute @workgroup_size(${WG}, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let e = id.x + id.y * ${65535 * WG}u;
  let plane = params.outH * params.outW;
  if (e >= params.count * plane) { return; }
  let x = e % params.outW;
  let y = (e / params.outW) % params.outH;
  stA(params.outOff + e, readLR(e / plane, 0u, i32(y), i32(x)));
}
`;
  return {
    label, code, bindings,
    workgroups: (count) => {
      const groups = Math.ceil((count * H * W) / WG);
      return groups <= 65535 ? [groups, 1, 1] : [65535, Math.ceil(groups / 65535), 1];
    },
  };
}

/**
 * The HR output [N, 3, s*(h+2*halo), s*(w+2*halo)] in the arena -> the centre crops (the patch without its halo) in
 * the HR texture at s * origin, or (debug) the float HR patches [N, 3, s*h, s*w]. params.inH/inW: the arena tensor's
 * size; outH/outW: the crop's.
 */
export function storeHRKernel(scale: number, halo: number, patchH: number, patchW: number, precision: Precision, output: 'texture' | 'float'): GeneratedKernel {
  const bindings = [...arenaBindings(precision), ...lrBindings, output === 'texture' ? storageTexture('hr', 5) : storage('debugOut', 5, 'array<f32>', 'read_write')];
  const label = `unfused_store_hr_x${scale}_h${halo}_${output}_${precision}`;
  const store = output === 'texture'
    ? '  textureStore(hr, vec2<i32>(origins[n] * ' + scale + 'u + vec2<u32>(x, y)), vec4<f32>(clamp(v.xyz, vec3<f32>(0.0), vec3<f32>(1.0)), 1.0));'
    : `  let at = n * 3u * plane + y * params.outW + x;
  debugOut[at] = v.x;
  debugOut[at + plane] = v.y;
  debugOut[at + 2u * plane] = v.z;`;
  const code = `${header(precision)}// ${label}: arena HR output -> centre crop
${PARAMS_STRUCT}
${bindingDeclarations(bindings)}
${storageAccessors(precision)}
@compute @workgroup_size(${WG}, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let e = id.x + id.y * ${65535 * WG}u;
  let plane = params.outH * params.outW;
  if (e >= params.count * plane) { return; }
  let x = e % params.outW;
  let y = (e / params.outW) % params.outH;
  let n = e / plane;
  let v = ldA(params.inOff + (n * params.inH + y + ${scale * halo}u) * params.inW + x + ${scale * halo}u);
${store}
}
`;
  return {
    label, code, bindings,
    workgroups: (count) => {
      const groups = Math.ceil((count * scale * scale * patchH * patchW) / WG);
      return groups <= 65535 ? [groups, 1, 1] : [65535, Math.ceil(groups / 65535), 1];
    },
  };
}

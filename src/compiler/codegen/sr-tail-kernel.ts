// WGSL for FusedSRTail: tail conv 3x3 over the features + skip conv 5x5 over the LR frame + add +
// depth-to-space (CRD) + mean add, in ONE kernel that writes HR pixels: each invocation owns one LR pixel
// of the patch centre (the halo is cropped, never computed) and keeps all 3*s*s outputs in registers.
// Output: the HR rgba8unorm storage texture, or (debug) the float HR patch before 8-bit quantisation.
import { bindingDeclarations, storage, storageTexture, type GeneratedKernel } from './kernel-contract.js';
import { outputBlocks } from './weight-layout.js';
import { arenaBindings, lrBindings, PARAMS_STRUCT, header, inputReader, literal, type Precision } from './wgsl-common.js';

export interface SRTailKernelSpec {
  /** feature channels read by the tail conv */
  features: number;
  scale: number;
  patchH: number; patchW: number; halo: number;
  /** kernel sizes of the tail (on features) and skip (on the LR frame) convs; both 'same'-padded */
  tailK: number; skipK: number;
  /** per-channel shift of the LR input (the folded mean Sub) and per-channel output bias (the mean Add) */
  lrShift: number[] | null;
  outBias: number[];
  precision: Precision;
  /** 'texture': HR frame; 'float': f32 buffer [N, 3, s*patchH, s*patchW] (tests compare it before quantisation) */
  output: 'texture' | 'float';
}

const WG = 8;

export function srTailKernel(spec: SRTailKernelSpec): GeneratedKernel {
  const { features: CA, scale: S, patchH: PH, patchW: PW, halo, tailK: KA, skipK: KB, precision: T } = spec;
  const CO = 3 * S * S;
  const H = PH + 2 * halo, W = PW + 2 * halo;
  const IA = WG + KA - 1, IB = WG + KB - 1;
  const ICC = Math.min(CA, 8);
  const padA = (KA - 1) / 2, padB = (KB - 1) / 2;
  // output channels in vec4 blocks, matching the blocked weight layout (./weight-layout.ts)
  const blocks = Array.from({ length: outputBlocks(CO) }, (_, g) => g);
  const V = `vec4<${T}>`;
  const init = blocks.map((g) => `  var acc_${g} = weights[params.bOff / 4u + ${g}u] + weights[params.bOffB / 4u + ${g}u];`).join('\n');
  const fmaA = blocks.map((g) => `          acc_${g} = fma(${V}(v), weights[wBase + ${g * CA * KA * KA}u], acc_${g});`).join('\n');
  const fmaB = blocks.map((g) => `          acc_${g} = fma(${V}(v), weights[wBase + ${g * 3 * KB * KB}u], acc_${g});`).join('\n');
  const lane = (k: number) => `acc_${Math.floor(k / 4)}.${'xyzw'[k % 4]}`;
  const store = spec.output === 'texture'
    ? `    textureStore(hr, vec2<i32>(hx, hy), vec4<f32>(clamp(vec3<f32>(f32(r), f32(g), f32(b)), vec3<f32>(0.0), vec3<f32>(1.0)), 1.0));`
    : `    let plane = ${S * PH * S * PW}u;
    let at = n * 3u * plane + (${S}u * cy + i) * ${S * PW}u + ${S}u * cx + j;
    debugOut[at] = f32(r);
    debugOut[at + plane] = f32(g);
    debugOut[at + 2u * plane] = f32(b);`;
  // sub-pixels unrolled, so every accumulator index is static (registers, no dynamic indexing)
  const subPixels = Array.from({ length: S * S }, (_, sub) => {
    const i = Math.floor(sub / S), j = sub % S;
    return `  {
    let i = ${i}u;
    let j = ${j}u;
    let r = ${lane(sub)} + ${literal(spec.outBias[0], T)};
    let g = ${lane(S * S + sub)} + ${literal(spec.outBias[1], T)};
    let b = ${lane(2 * S * S + sub)} + ${literal(spec.outBias[2], T)};
    let hx = ${S} * (origin.x + i32(cx)) + ${j};
    let hy = ${S} * (origin.y + i32(cy)) + ${i};
${store}
  }`;
  }).join('\n');
  const bindings = [...arenaBindings(T, `vec4<${T}>`), ...lrBindings,
    spec.output === 'texture' ? storageTexture('hr', 5) : storage('debugOut', 5, 'array<f32>', 'read_write')];
  const code = `${header(T)}// SR tail: conv${KA}x${KA} ${CA}->${CO} + skip conv${KB}x${KB} 3->${CO} + depth-to-space x${S} + mean, patch ${PH}x${PW} halo ${halo} -> ${spec.output}
${PARAMS_STRUCT}
${bindingDeclarations(bindings)}
var<workgroup> tileA: array<${T}, ${ICC * IA * IA}>;
var<workgroup> tileB: array<${T}, ${3 * IB * IB}>;
${inputReader('readFeatures', { kind: 'arena' }, CA, H, W, null, T)}
${inputReader('readLR', { kind: 'lr', halo }, 3, H, W, spec.lrShift, T)}

@compute @workgroup_size(${WG}, ${WG}, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let n = wg.z;
  // tile origin in input coordinates: the centre starts at the halo
  let y0 = i32(wg.y * ${WG}u) + ${halo};
  let x0 = i32(wg.x * ${WG}u) + ${halo};
${init}
  for (var c0 = 0u; c0 < ${CA}u; c0 = c0 + ${ICC}u) {
    for (var i = li; i < ${ICC * IA * IA}u; i = i + ${WG * WG}u) {
      let c = i / ${IA * IA}u;
      let r = i % ${IA * IA}u;
      var v = ${T}(0);
      if (c0 + c < ${CA}u) { v = readFeatures(n, c0 + c, y0 - ${padA} + i32(r / ${IA}u), x0 - ${padA} + i32(r % ${IA}u)); }
      tileA[i] = v;
    }
    workgroupBarrier();
    let cc = min(${ICC}u, ${CA}u - c0);
    for (var c = 0u; c < cc; c = c + 1u) {
      for (var ky = 0u; ky < ${KA}u; ky = ky + 1u) {
        for (var kx = 0u; kx < ${KA}u; kx = kx + 1u) {
          let v = tileA[(c * ${IA}u + lid.y + ky) * ${IA}u + lid.x + kx];
          let wBase = params.wOff / 4u + (c0 + c) * ${KA * KA}u + ky * ${KA}u + kx;
${fmaA}
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = li; i < ${3 * IB * IB}u; i = i + ${WG * WG}u) {
    let r = i % ${IB * IB}u;
    tileB[i] = readLR(n, i / ${IB * IB}u, y0 - ${padB} + i32(r / ${IB}u), x0 - ${padB} + i32(r % ${IB}u));
  }
  workgroupBarrier();
  for (var c = 0u; c < 3u; c = c + 1u) {
    for (var ky = 0u; ky < ${KB}u; ky = ky + 1u) {
      for (var kx = 0u; kx < ${KB}u; kx = kx + 1u) {
        let v = tileB[(c * ${IB}u + lid.y + ky) * ${IB}u + lid.x + kx];
        let wBase = params.wOffB / 4u + c * ${KB * KB}u + ky * ${KB}u + kx;
${fmaB}
      }
    }
  }
  let cy = wg.y * ${WG}u + lid.y;
  let cx = wg.x * ${WG}u + lid.x;
  if (cy >= ${PH}u || cx >= ${PW}u) { return; }
  let origin = vec2<i32>(origins[n]);
${subPixels}
}
`;
  return {
    label: `sr_tail_x${S}_${CA}_${PH}x${PW}_h${halo}_${spec.output}_${T}`,
    code,
    bindings,
    workgroups: (count) => [Math.ceil(PW / WG), Math.ceil(PH / WG), count],
  };
}

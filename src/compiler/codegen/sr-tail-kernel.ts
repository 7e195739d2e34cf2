// WGSL for FusedSRTail: tail conv over the features + skip conv over the LR frame + add + depth-to-space (CRD)
// + mean add, in ONE kernel that writes HR pixels: each invocation owns one LR pixel of the patch centre (the
// halo is cropped, never computed) and keeps all 3*s*s outputs in vec4 registers (f32). Features are read
// channel-blocked from the arena (vec4 units, any storage precision); patch sizes come from Params.
// Output: the HR rgba8unorm storage texture, or (debug) the float HR patch before 8-bit quantisation.
import { bindingDeclarations, storage, storageTexture, type GeneratedKernel } from './kernel-contract.js';
import { outputBlocks } from './weight-layout.js';
import { arenaBindings, blockReader, header, literal, lrBindings, PARAMS_STRUCT, storageAccessors, type Precision } from './wgsl-common.js';

export interface SRTailKernelSpec {
  /** feature channels read by the tail conv */
  features: number;
  scale: number;
  /** patch (centre) size: only for the dispatch size, the WGSL reads it from Params */
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
  const { features: CA, scale: S, halo, tailK: KA, skipK: KB } = spec;
  const CO = 3 * S * S;
  const CAB = Math.ceil(CA / 4);
  // feature blocks staged per round: 2 where they divide evenly
  const ICB = CAB % 2 === 0 ? 2 : 1;
  const IA = WG + KA - 1, IB = WG + KB - 1;
  const padA = (KA - 1) / 2, padB = (KB - 1) / 2;
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  // output channels in vec4 blocks, matching the blocked weight layout (./weight-layout.ts)
  const blocks = range(outputBlocks(CO));
  const lanes = ['x', 'y', 'z', 'w'];
  const init = blocks.map((g) => `  var acc_${g} = ldW(params.bOff / 4u + ${g}u) + ldW(params.bOffB / 4u + ${g}u);`).join('\n');
  // feature lanes past CA (a count that is not a multiple of 4) are zero in the arena and have no weights
  const fmaA = range(4).map((j) => `          {
            let c = (cb0 + cbl) * 4u + ${j}u;${CA % 4 ? `\n            if (c < ${CA}u) {` : ''}
            let wBase = params.wOff / 4u + c * ${KA * KA}u + ky * ${KA}u + kx;
${blocks.map((g) => `            acc_${g} = fma(vec4<f32>(v.${lanes[j]}), ldW(wBase + ${g * CA * KA * KA}u), acc_${g});`).join('\n')}${CA % 4 ? '\n            }' : ''}
          }`).join('\n');
  const fmaB = range(3).map((j) => `        {
          let wBase = params.wOffB / 4u + ${j * KB * KB}u + ky * ${KB}u + kx;
${blocks.map((g) => `          acc_${g} = fma(vec4<f32>(v.${lanes[j]}), ldW(wBase + ${g * 3 * KB * KB}u), acc_${g});`).join('\n')}
        }`).join('\n');
  const lane = (k: number) => `acc_${Math.floor(k / 4)}.${lanes[k % 4]}`;
  const store = spec.output === 'texture'
    ? `    textureStore(hr, vec2<i32>(hx, hy), vec4<f32>(clamp(vec3<f32>(r, g, b), vec3<f32>(0.0), vec3<f32>(1.0)), 1.0));`
    : `    let plane = ${S * S}u * params.outH * params.outW;
    let at = n * 3u * plane + (${S}u * cy + ${'${i}'}u) * ${S}u * params.outW + ${S}u * cx + ${'${j}'}u;
    debugOut[at] = r;
    debugOut[at + plane] = g;
    debugOut[at + 2u * plane] = b;`;
  // sub-pixels unrolled, so every accumulator index is static (registers, no dynamic indexing)
  const subPixels = range(S * S).map((sub) => {
    const i = Math.floor(sub / S), j = sub % S;
    return `  {
    let r = ${lane(sub)} + ${literal(spec.outBias[0])};
    let g = ${lane(S * S + sub)} + ${literal(spec.outBias[1])};
    let b = ${lane(2 * S * S + sub)} + ${literal(spec.outBias[2])};
    let hx = ${S} * (origin.x + i32(cx)) + ${j};
    let hy = ${S} * (origin.y + i32(cy)) + ${i};
${store.replaceAll('${i}', String(i)).replaceAll('${j}', String(j))}
  }`;
  }).join('\n');
  const bindings = [...arenaBindings(spec.precision), ...lrBindings,
    spec.output === 'texture' ? storageTexture('hr', 5) : storage('debugOut', 5, 'array<f32>', 'read_write')];
  const what = `sr_tail_x${S}_${CA}_k${KA}_${KB}_h${halo}_${spec.output}_${spec.precision}`;
  const code = `${header(spec.precision)}// ${what}: conv${KA}x${KA} ${CA}->${CO} + skip conv${KB}x${KB} 3->${CO} + depth-to-space x${S} + mean
${PARAMS_STRUCT}
${bindingDeclarations(bindings)}
var<workgroup> tileA: array<vec4<f32>, ${ICB * IA * IA}>;
var<workgroup> tileB: array<vec4<f32>, ${IB * IB}>;
${storageAccessors(spec.precision)}
${blockReader('readFeatures', { kind: 'arena' }, CA, null)}
${blockReader('readLR', { kind: 'lr', halo }, 3, spec.lrShift)}

@compute @workgroup_size(${WG}, ${WG}, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let n = wg.z;
  // tile origin in input coordinates: the centre starts at the halo
  let y0 = i32(wg.y * ${WG}u) + ${halo};
  let x0 = i32(wg.x * ${WG}u) + ${halo};
${init}
  for (var cb0 = 0u; cb0 < ${CAB}u; cb0 = cb0 + ${ICB}u) {
    for (var i = li; i < ${ICB * IA * IA}u; i = i + ${WG * WG}u) {
      let r = i % ${IA * IA}u;
      tileA[i] = readFeatures(n, cb0 + i / ${IA * IA}u, y0 - ${padA} + i32(r / ${IA}u), x0 - ${padA} + i32(r % ${IA}u));
    }
    workgroupBarrier();
    for (var cbl = 0u; cbl < ${ICB}u; cbl = cbl + 1u) {
      for (var ky = 0u; ky < ${KA}u; ky = ky + 1u) {
        for (var kx = 0u; kx < ${KA}u; kx = kx + 1u) {
          let v = tileA[(cbl * ${IA}u + lid.y + ky) * ${IA}u + lid.x + kx];
${fmaA}
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = li; i < ${IB * IB}u; i = i + ${WG * WG}u) {
    tileB[i] = readLR(n, 0u, y0 - ${padB} + i32(i / ${IB}u), x0 - ${padB} + i32(i % ${IB}u));
  }
  workgroupBarrier();
  for (var ky = 0u; ky < ${KB}u; ky = ky + 1u) {
    for (var kx = 0u; kx < ${KB}u; kx = kx + 1u) {
      let v = tileB[(lid.y + ky) * ${IB}u + lid.x + kx];
${fmaB}
    }
  }
  let cy = wg.y * ${WG}u + lid.y;
  let cx = wg.x * ${WG}u + lid.x;
  if (cy >= params.outH || cx >= params.outW) { return; }
  let origin = vec2<i32>(origins[n]);
${subPixels}
}
`;
  return {
    label: what,
    code,
    bindings,
    workgroups: (count) => [Math.ceil(spec.patchW / WG), Math.ceil(spec.patchH / WG), count],
  };
}

// WGSL for a FusedConv as a direct convolution: one invocation per output pixel and block of 4 output channels,
// every input and weight read straight from storage (no workgroup tiles, no register blocking). The baseline the
// implicit GEMM (./conv-kernel.ts) and Winograd (./winograd-conv-kernel.ts) are measured against when the `gemm`
// optimization is off. Same contract as both: arena layout, blocked weights, Params sizes, fused epilogue.
import { bindingDeclarations, type GeneratedKernel } from './kernel-contract.js';
import { convOutputSize, type ConvKernelSpec } from './conv-kernel.js';
import { outputBlocks } from './weight-layout.js';
import { arenaBindings, blockReader, header, lrBindings, PARAMS_STRUCT, storageAccessors } from './wgsl-common.js';

export interface DirectConv { kind: 'direct' }
export const DIRECT_CONV: DirectConv = { kind: 'direct' };

const WG = 8;

export function directConvKernel(spec: ConvKernelSpec): GeneratedKernel {
  const { cin, cout, k, pad } = spec;
  const COB = outputBlocks(cout), CIB = Math.ceil(cin / 4);
  const lanes = ['x', 'y', 'z', 'w'];
  const fmas = lanes.map((l, j) => `        if (cb * 4u + ${j}u < ${cin}u) { acc = fma(vec4<f32>(a.${l}), ldW(wBase + ${j * k * k}u), acc); }`).join('\n');
  const bindings = [...arenaBindings(spec.precision), ...(spec.input.kind === 'lr' ? lrBindings : [])];
  const what = `direct_conv${k}x${k}_${cin}to${cout}${spec.relu ? '_relu' : ''}${spec.residual ? '_res' : ''}${spec.input.kind === 'lr' ? `_lr${spec.input.halo}` : ''}_${spec.precision}`;
  const code = `${header(spec.precision)}// ${what}: direct convolution, pad ${pad}; one invocation per output pixel x 4 channels
${PARAMS_STRUCT}
${bindingDeclarations(bindings)}
${storageAccessors(spec.precision)}
${blockReader('readInput', spec.input, cin, spec.shift)}

@compute @workgroup_size(${WG}, ${WG}, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let n = id.z / ${COB}u;
  let ob = id.z % ${COB}u;
  let ox = id.x;
  let oy = id.y;
  if (ox >= params.outW || oy >= params.outH) { return; }
  var acc = ldW(params.bOff / 4u + ob);
  for (var cb = 0u; cb < ${CIB}u; cb = cb + 1u) {
    for (var ky = 0u; ky < ${k}u; ky = ky + 1u) {
      for (var kx = 0u; kx < ${k}u; kx = kx + 1u) {
        let a = readInput(n, cb, i32(oy + ky) - ${pad}, i32(ox + kx) - ${pad});
        let wBase = params.wOff / 4u + (ob * ${cin}u + cb * 4u) * ${k * k}u + ky * ${k}u + kx;
${fmas}
      }
    }
  }
  let at = ((n * ${COB}u + ob) * params.outH + oy) * params.outW + ox;${spec.relu ? '\n  acc = max(acc, vec4<f32>(0.0));' : ''}${spec.residual ? '\n  acc = acc + ldA(params.resOff + at);' : ''}
  stA(params.outOff + at, acc);
}
`;
  const [OH, OW] = convOutputSize(spec);
  return { label: what, code, bindings, workgroups: (count) => [Math.ceil(OW / WG), Math.ceil(OH / WG), count * COB] };
}

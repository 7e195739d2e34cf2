// WGSL for a fused direct convolution (FusedConv: conv + bias [+ ReLU] [+ residual], input shift folded in).
// Register tiling: each invocation accumulates OCT output channels x PX pixels in named registers; the
// workgroup stages an input tile (ICC channels x (TH+K-1) x (TW+K-1)) in shared memory. One dispatch
// covers every patch of a shape class: workgroup z = patch * (Cout/OCT) + channel group.
import { LR_BINDINGS, PARAMS_STRUCT, header, inputReader, type KernelInput, type Precision } from './wgsl-common.js';

export interface ConvKernelSpec {
  cin: number; cout: number; k: number; pad: number;
  /** input spatial size (the patch grown by the halo) */
  inH: number; inW: number;
  relu: boolean; residual: boolean;
  shift: number[] | null;
  input: KernelInput;
  precision: Precision;
}

export interface GeneratedKernel {
  label: string;
  code: string;
  /** workgroups for `count` patches */
  workgroups(count: number): [number, number, number];
}

const WG_X = 8, WG_Y = 8, PX = 2;

/** The largest of 8, 4, 3, 2, 1 dividing `cout` (the per-invocation output-channel register tile). */
export function outputChannelTile(cout: number): number {
  return [8, 4, 3, 2, 1].find((t) => cout % t === 0)!;
}

export function convOutputSize(spec: Pick<ConvKernelSpec, 'inH' | 'inW' | 'k' | 'pad'>): [number, number] {
  return [spec.inH + 2 * spec.pad - spec.k + 1, spec.inW + 2 * spec.pad - spec.k + 1];
}

export function convKernel(spec: ConvKernelSpec): GeneratedKernel {
  const { cin, cout, k, pad, inH, inW, precision: T } = spec;
  const [OH, OW] = convOutputSize(spec);
  const OCT = outputChannelTile(cout);
  const groups = cout / OCT;
  const TW = WG_X * PX, TH = WG_Y;
  const IW = TW + k - 1, IH = TH + k - 1;
  const ICC = Math.min(cin, 8);
  const KK = k * k;
  const init = Array.from({ length: OCT }, (_, o) => `  let bias_${o} = weights[params.bOff + oc0 + ${o}u];\n${Array.from({ length: PX }, (_, p) => `  var acc_${o}_${p} = bias_${o};`).join('\n')}`).join('\n');
  const loadTaps = Array.from({ length: PX }, (_, p) => `          let v_${p} = tile[row + lid.x + ${p * WG_X}u + kx];`).join('\n');
  const fmas = Array.from({ length: OCT }, (_, o) => `          let w_${o} = weights[wBase + ${o * cin * KK}u];\n${Array.from({ length: PX }, (_, p) => `          acc_${o}_${p} = fma(v_${p}, w_${o}, acc_${o}_${p});`).join('\n')}`).join('\n');
  const stores = Array.from({ length: PX }, (_, p) => `  {
    let ox = wg.x * ${TW}u + lid.x + ${p * WG_X}u;
    if (ox < ${OW}u) {
${Array.from({ length: OCT }, (_, o) => `      {
        let at = ((n * ${cout}u + oc0 + ${o}u) * ${OH}u + oy) * ${OW}u + ox;
        var v = acc_${o}_${p};${spec.relu ? `\n        v = max(v, ${T}(0));` : ''}${spec.residual ? `\n        v = v + arena[params.resOff + at];` : ''}
        arena[params.outOff + at] = v;
      }`).join('\n')}
    }
  }`).join('\n');
  const code = `${header(T)}// conv ${k}x${k} ${cin}->${cout} on ${inH}x${inW}, pad ${pad}${spec.relu ? ', relu' : ''}${spec.residual ? ', residual' : ''}${spec.input.kind === 'lr' ? ', reads the LR frame' : ''}
${PARAMS_STRUCT}
@group(0) @binding(0) var<storage, read_write> arena: array<${T}>;
@group(0) @binding(1) var<storage, read> weights: array<${T}>;
@group(0) @binding(2) var<uniform> params: Params;
${spec.input.kind === 'lr' ? LR_BINDINGS : ''}
var<workgroup> tile: array<${T}, ${ICC * IH * IW}>;
${inputReader('readInput', spec.input, cin, inH, inW, spec.shift, T)}

@compute @workgroup_size(${WG_X}, ${WG_Y}, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let n = wg.z / ${groups}u;
  let oc0 = (wg.z % ${groups}u) * ${OCT}u;
  let ty0 = i32(wg.y * ${TH}u) - ${pad};
  let tx0 = i32(wg.x * ${TW}u) - ${pad};
${init}
  for (var c0 = 0u; c0 < ${cin}u; c0 = c0 + ${ICC}u) {
    for (var i = li; i < ${ICC * IH * IW}u; i = i + ${WG_X * WG_Y}u) {
      let c = i / ${IH * IW}u;
      let r = i % ${IH * IW}u;
      var v = ${T}(0);
      if (c0 + c < ${cin}u) { v = readInput(n, c0 + c, ty0 + i32(r / ${IW}u), tx0 + i32(r % ${IW}u)); }
      tile[i] = v;
    }
    workgroupBarrier();
    let cc = min(${ICC}u, ${cin}u - c0);
    for (var c = 0u; c < cc; c = c + 1u) {
      for (var ky = 0u; ky < ${k}u; ky = ky + 1u) {
        let row = (c * ${IH}u + lid.y + ky) * ${IW}u;
        for (var kx = 0u; kx < ${k}u; kx = kx + 1u) {
          let wBase = params.wOff + (oc0 * ${cin}u + c0 + c) * ${KK}u + ky * ${k}u + kx;
${loadTaps}
${fmas}
        }
      }
    }
    workgroupBarrier();
  }
  let oy = wg.y * ${TH}u + lid.y;
  if (oy >= ${OH}u) { return; }
${stores}
}
`;
  return {
    label: `conv${k}x${k}_${cin}to${cout}_${inH}x${inW}${spec.relu ? '_relu' : ''}${spec.residual ? '_res' : ''}${spec.input.kind === 'lr' ? '_lr' : ''}_${T}`,
    code,
    workgroups: (count) => [Math.ceil(OW / TW), Math.ceil(OH / TH), count * groups],
  };
}

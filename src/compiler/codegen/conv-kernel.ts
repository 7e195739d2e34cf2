// WGSL for a fused direct convolution (FusedConv: conv + bias [+ ReLU] [+ residual], input shift folded in).
// Register tiling: each invocation accumulates G vec4 groups of output channels x PX pixels (G*4*PX
// accumulators); weights are laid out in blocks of 4 output channels (see ./weight-layout.ts) so one vec4
// load feeds 4*PX FMAs. The workgroup stages an input tile (ICC channels x (TH+K-1) x (TW+K-1)) in shared
// memory. The tile shape is chosen per layer to waste the fewest padded pixels. One dispatch covers every
// patch of a shape class: workgroup z = patch * channel-groups + channel group.
import { bindingDeclarations, type GeneratedKernel } from './kernel-contract.js';
import { arenaBindings, lrBindings, PARAMS_STRUCT, header, inputReader, type KernelInput, type Precision } from './wgsl-common.js';
import { outputBlocks } from './weight-layout.js';

export interface ConvKernelSpec {
  cin: number; cout: number; k: number; pad: number;
  /** input spatial size (the patch grown by the halo) */
  inH: number; inW: number;
  relu: boolean; residual: boolean;
  shift: number[] | null;
  input: KernelInput;
  precision: Precision;
}

export type { GeneratedKernel } from './kernel-contract.js';

export interface ConvTiling { wgX: number; wgY: number; px: number; groups: number }

export function convOutputSize(spec: Pick<ConvKernelSpec, 'inH' | 'inW' | 'k' | 'pad'>): [number, number] {
  return [spec.inH + 2 * spec.pad - spec.k + 1, spec.inW + 2 * spec.pad - spec.k + 1];
}

/**
 * Workgroup (wgX x wgY invocations, 32..64 of them), pixels per invocation along x (px) and vec4 output
 * groups per invocation: the fewest computed-but-cropped pixels, then the largest tile.
 */
export function chooseConvTiling(outH: number, outW: number, cout: number): ConvTiling {
  const blocks = outputBlocks(cout);
  const groups = [4, 2, 1].find((g) => blocks % g === 0)!;
  let best: ConvTiling & { padded: number; tile: number } = { wgX: 8, wgY: 8, px: 2, groups, padded: Infinity, tile: 0 };
  for (const wgX of [2, 4, 8, 16]) for (let wgY = 2; wgY <= 16; wgY++) for (const px of [2, 3, 4]) {
    if (wgX * wgY < 32 || wgX * wgY > 64) continue;
    const tw = wgX * px, th = wgY;
    const padded = Math.ceil(outW / tw) * tw * Math.ceil(outH / th) * th;
    if (padded < best.padded || (padded === best.padded && tw * th > best.tile)) best = { wgX, wgY, px, groups, padded, tile: tw * th };
  }
  return { wgX: best.wgX, wgY: best.wgY, px: best.px, groups: best.groups };
}

export function convKernel(spec: ConvKernelSpec, tiling?: ConvTiling): GeneratedKernel {
  const { cin, cout, k, pad, inH, inW, precision: T } = spec;
  const [OH, OW] = convOutputSize(spec);
  const { wgX, wgY, px: PX, groups: G } = tiling ?? chooseConvTiling(OH, OW, cout);
  const zGroups = outputBlocks(cout) / G;
  const TW = wgX * PX, TH = wgY;
  const IW = TW + k - 1, IH = TH + k - 1;
  const ICC = Math.min(cin, 8);
  const KK = k * k;
  const V = `vec4<${T}>`;
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const init = range(G).map((g) => `  let bias_${g} = weights[params.bOff / 4u + ob0 + ${g}u];\n${range(PX).map((p) => `  var acc_${g}_${p} = bias_${g};`).join('\n')}`).join('\n');
  const taps = range(PX).map((p) => `          let v_${p} = ${V}(tile[row + lid.x * ${PX}u + ${p}u + kx]);`).join('\n');
  const fmas = range(G).map((g) => `          let w_${g} = weights[wBase + ${g * cin * KK}u];\n${range(PX).map((p) => `          acc_${g}_${p} = fma(v_${p}, w_${g}, acc_${g}_${p});`).join('\n')}`).join('\n');
  const lanes = ['x', 'y', 'z', 'w'];
  const stores = range(PX).map((p) => `  {
    let ox = wg.x * ${TW}u + lid.x * ${PX}u + ${p}u;
    if (ox < ${OW}u) {
${range(G).map((g) => `      {
        var v = acc_${g}_${p};${spec.relu ? `\n        v = max(v, ${V}(0));` : ''}
${range(4).map((l) => `        if ((ob0 + ${g}u) * 4u + ${l}u < ${cout}u) {
          let at = ((n * ${cout}u + (ob0 + ${g}u) * 4u + ${l}u) * ${OH}u + oy) * ${OW}u + ox;
          arena[params.outOff + at] = v.${lanes[l]}${spec.residual ? ' + arena[params.resOff + at]' : ''};
        }`).join('\n')}
      }`).join('\n')}
    }
  }`).join('\n');
  const bindings = [...arenaBindings(T, V), ...(spec.input.kind === 'lr' ? lrBindings : [])];
  const code = `${header(T)}// conv ${k}x${k} ${cin}->${cout} on ${inH}x${inW}, pad ${pad}${spec.relu ? ', relu' : ''}${spec.residual ? ', residual' : ''}${spec.input.kind === 'lr' ? ', reads the LR frame' : ''}; tile ${TW}x${TH}, ${G * 4} channels x ${PX} px per invocation
${PARAMS_STRUCT}
${bindingDeclarations(bindings)}
var<workgroup> tile: array<${T}, ${ICC * IH * IW}>;
${inputReader('readInput', spec.input, cin, inH, inW, spec.shift, T)}

@compute @workgroup_size(${wgX}, ${wgY}, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let n = wg.z / ${zGroups}u;
  // first block of 4 output channels this invocation accumulates
  let ob0 = (wg.z % ${zGroups}u) * ${G}u;
  let ty0 = i32(wg.y * ${TH}u) - ${pad};
  let tx0 = i32(wg.x * ${TW}u) - ${pad};
${init}
  for (var c0 = 0u; c0 < ${cin}u; c0 = c0 + ${ICC}u) {
    for (var i = li; i < ${ICC * IH * IW}u; i = i + ${wgX * wgY}u) {
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
          let wBase = params.wOff / 4u + (ob0 * ${cin}u + c0 + c) * ${KK}u + ky * ${k}u + kx;
${taps}
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
    bindings,
    workgroups: (count) => [Math.ceil(OW / TW), Math.ceil(OH / TH), count * zGroups],
  };
}

// WGSL for a fused convolution (FusedConv: conv + bias [+ ReLU] [+ residual], input shift folded in) as an
// implicit GEMM, the class of tfjs' conv2d_mm and onnxruntime's Conv2dMMProgram: 64-invocation workgroups;
// each invocation keeps G vec4 blocks of output channels x PX pixels in registers (4*G*PX outputs); per input
// channel block (4 channels) the workgroup stages the input tile (TH+K-1) x (TW+K-1) and the weight tile
// (K*K taps x 4 input channels x OBW output blocks) in workgroup memory as vec4, so each invocation's
// K*K*(PX + 4*G) workgroup loads feed K*K*4*G*PX vec4 FMAs. Bias, ReLU and the residual are applied at the
// store. Spatial sizes come from Params (one pipeline per layer type, whatever the patch shape); one dispatch
// covers every patch of a class: workgroup z = patch x output-block group.
import { bindingDeclarations, type GeneratedKernel } from './kernel-contract.js';
import { arenaBindings, blockReader, header, lrBindings, PARAMS_STRUCT, storageAccessors, type KernelInput, type Precision } from './wgsl-common.js';
import { outputBlocks } from './weight-layout.js';

export interface ConvKernelSpec {
  cin: number; cout: number; k: number; pad: number;
  /** input spatial size (the patch grown by the halo): only for the dispatch size, the WGSL reads it from Params */
  inH: number; inW: number;
  relu: boolean; residual: boolean;
  shift: number[] | null;
  input: KernelInput;
  precision: Precision;
}

export type { GeneratedKernel } from './kernel-contract.js';

/**
 * tc invocations along output-channel blocks x (tx x ty) along pixels (tc*tx*ty = 64); each invocation
 * computes g output blocks (4*g channels, interleaved by tc) x px pixels (along x, interleaved by tx).
 * The workgroup covers OBW = tc*g output blocks and a (tx*px) x ty pixel tile.
 */
export interface ConvTiling { tc: number; g: number; tx: number; ty: number; px: number }

export const WORKGROUP_INVOCATIONS = 64;
/** WebGPU's default maxComputeWorkgroupStorageSize */
export const WORKGROUP_STORAGE_BYTES = 16384;

export function convOutputSize(spec: Pick<ConvKernelSpec, 'inH' | 'inW' | 'k' | 'pad'>): [number, number] {
  return [spec.inH + 2 * spec.pad - spec.k + 1, spec.inW + 2 * spec.pad - spec.k + 1];
}

/** Workgroup memory of a tiling: the input tile and the weight tile, both vec4<f32>. */
export function tilingBytes(t: ConvTiling, k: number): number {
  return 16 * ((t.ty + k - 1) * (t.tx * t.px + k - 1) + k * k * 4 * t.tc * t.g);
}

/**
 * The handful of tilings a tuner may pick for a layer (every one tested against onnxruntime): for each width
 * tc of 1, 2, 4, 8 invocations along output blocks, the most output blocks per invocation g (4, 2, 1) that
 * divides the layer's blocks, 4 pixels per invocation; only those within 16 KiB of workgroup memory.
 */
export function convTilingCandidates(cout: number, k: number): ConvTiling[] {
  const blocks = outputBlocks(cout);
  const out: ConvTiling[] = [];
  for (const tc of [1, 2, 4, 8]) {
    const g = [4, 2, 1].find((v) => blocks % (tc * v) === 0);
    if (g === undefined) continue;
    const pixels = WORKGROUP_INVOCATIONS / tc;
    const ty = Math.min(8, pixels);
    const t: ConvTiling = { tc, g, tx: pixels / ty, ty, px: 4 };
    if (tilingBytes(t, k) <= WORKGROUP_STORAGE_BYTES) out.push(t);
  }
  return out;
}

/**
 * The safe default: the widest output-block group up to 16 blocks (fewest input-tile reloads), then the most
 * blocks per invocation.
 */
export function chooseConvTiling(cout: number, k: number): ConvTiling {
  const c = convTilingCandidates(cout, k);
  if (!c.length) throw new Error(`no conv tiling fits ${cout} output channels with a ${k}x${k} kernel in ${WORKGROUP_STORAGE_BYTES} bytes of workgroup memory`);
  return c.reduce((best, t) => (t.tc * t.g > best.tc * best.g || (t.tc * t.g === best.tc * best.g && t.g > best.g) ? t : best));
}

export const tilingKey = (t: ConvTiling): string => `c${t.tc}g${t.g}x${t.tx}y${t.ty}p${t.px}`;

export function convKernel(spec: ConvKernelSpec, tiling: ConvTiling = chooseConvTiling(spec.cout, spec.k)): GeneratedKernel {
  const { cin, cout, k, pad } = spec;
  const { tc: TC, g: G, tx: TX, ty: TY, px: PX } = tiling;
  if (TC * TX * TY !== WORKGROUP_INVOCATIONS) throw new Error(`conv tiling ${tilingKey(tiling)} has ${TC * TX * TY} invocations, not ${WORKGROUP_INVOCATIONS}`);
  const COB = outputBlocks(cout), CIB = Math.ceil(cin / 4);
  const OBW = TC * G;
  if (COB % OBW !== 0) throw new Error(`conv tiling ${tilingKey(tiling)}: ${OBW} output blocks per workgroup do not divide ${COB}`);
  const zGroups = COB / OBW;
  const TW = TX * PX, TH = TY;
  const IW = TW + k - 1, IH = TH + k - 1;
  const KK = k * k;
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const lanes = ['x', 'y', 'z', 'w'];
  const init = range(G).map((g) => `  let bias_${g} = ldW(params.bOff / 4u + ob0 + ${g * TC}u);\n${range(PX).map((p) => `  var acc_${g}_${p} = bias_${g};`).join('\n')}`).join('\n');
  const taps = range(PX).map((p) => `        let a_${p} = xt[(ty + ky) * ${IW}u + tx + ${p * TX}u + kx];`).join('\n');
  const fmas = range(4).map((j) => `        {
${range(G).map((g) => `          let w_${g} = wt[(tap * 4u + ${j}u) * ${OBW}u + cbT + ${g * TC}u];`).join('\n')}
${range(G).flatMap((g) => range(PX).map((p) => `          acc_${g}_${p} = fma(vec4<f32>(a_${p}.${lanes[j]}), w_${g}, acc_${g}_${p});`)).join('\n')}
        }`).join('\n');
  const stores = range(PX).map((p) => `  {
    let ox = wg.x * ${TW}u + tx + ${p * TX}u;
    if (ox < params.outW) {
${range(G).map((g) => `      {
        let at = ((n * ${COB}u + ob0 + ${g * TC}u) * params.outH + oy) * params.outW + ox;
        var v = acc_${g}_${p};${spec.relu ? '\n        v = max(v, vec4<f32>(0.0));' : ''}${spec.residual ? '\n        v = v + ldA(params.resOff + at);' : ''}
        stA(params.outOff + at, v);
      }`).join('\n')}
    }
  }`).join('\n');
  const bindings = [...arenaBindings(spec.precision), ...(spec.input.kind === 'lr' ? lrBindings : [])];
  const what = `conv${k}x${k}_${cin}to${cout}${spec.relu ? '_relu' : ''}${spec.residual ? '_res' : ''}${spec.input.kind === 'lr' ? `_lr${spec.input.halo}` : ''}_${spec.precision}_${tilingKey(tiling)}`;
  const code = `${header(spec.precision)}// ${what}: implicit GEMM, pad ${pad}; tile ${TW}x${TH} px x ${OBW * 4} channels, ${G * 4} channels x ${PX} px per invocation
${PARAMS_STRUCT}
${bindingDeclarations(bindings)}
var<workgroup> xt: array<vec4<f32>, ${IH * IW}>;
var<workgroup> wt: array<vec4<f32>, ${KK * 4 * OBW}>;
${storageAccessors(spec.precision)}
${blockReader('readInput', spec.input, cin, spec.shift)}

@compute @workgroup_size(${WORKGROUP_INVOCATIONS}, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let n = wg.z / ${zGroups}u;
  // the workgroup's first output block, and this invocation's (its blocks are ob0 + g*${TC})
  let obw0 = (wg.z % ${zGroups}u) * ${OBW}u;
  let cbT = li % ${TC}u;
  let ob0 = obw0 + cbT;
  let tx = (li / ${TC}u) % ${TX}u;
  let ty = li / ${TC * TX}u;
  let y0 = i32(wg.y * ${TH}u) - ${pad};
  let x0 = i32(wg.x * ${TW}u) - ${pad};
${init}
  for (var cb = 0u; cb < ${CIB}u; cb = cb + 1u) {
    for (var i = li; i < ${IH * IW}u; i = i + ${WORKGROUP_INVOCATIONS}u) {
      xt[i] = readInput(n, cb, y0 + i32(i / ${IW}u), x0 + i32(i % ${IW}u));
    }
    for (var i = li; i < ${KK * 4 * OBW}u; i = i + ${WORKGROUP_INVOCATIONS}u) {
      let o = i % ${OBW}u;
      let r = i / ${OBW}u;
      let ic = cb * 4u + r % 4u;
      var w = vec4<f32>(0.0);
      if (ic < ${cin}u) { w = ldW(params.wOff / 4u + ((obw0 + o) * ${cin}u + ic) * ${KK}u + r / 4u); }
      wt[i] = w;
    }
    workgroupBarrier();
    for (var ky = 0u; ky < ${k}u; ky = ky + 1u) {
      for (var kx = 0u; kx < ${k}u; kx = kx + 1u) {
        let tap = ky * ${k}u + kx;
${taps}
${fmas}
      }
    }
    workgroupBarrier();
  }
  let oy = wg.y * ${TH}u + ty;
  if (oy >= params.outH) { return; }
${stores}
}
`;
  const [OH, OW] = convOutputSize(spec);
  return {
    label: what,
    code,
    bindings,
    workgroups: (count) => [Math.ceil(OW / TW), Math.ceil(OH / TH), count * zGroups],
  };
}

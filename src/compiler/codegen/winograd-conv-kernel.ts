// WGSL for a 3x3 stride-1 FusedConv as Winograd F(2x2,3x3) (Lavin & Gray 2016): each 2x2 output tile costs 16
// elementwise products per (input, output) channel pair instead of 36 multiply-adds. Same contract, arena layout,
// Params and fused epilogue (bias, ReLU, residual) as the implicit GEMM of ./conv-kernel.ts, so a plan can swap
// it in per layer; only the weights differ: pre-transformed on the CPU (U = G g G^T, `winogradWeights`), stored
// [O/4][I][16] of vec4 like a 4x4 kernel.
//
// A workgroup (64 invocations) owns TX x TY output tiles x OBW output blocks. Invocation li owns one of the 16
// transform positions (xi = li % 16) for a quarter of the (tile, block) pairs, so the elementwise stage is a small
// batched GEMM over channels: per block of 4 input channels the workgroup stages the raw input tile
// (2TY+2) x (2TX+2) and U for its OBW blocks in workgroup memory, transforms the input once (V = B^T d B, one
// invocation per tile row, 32 adds per tile, into workgroup memory as [position][tile]), and each invocation does
// 4 x tiles x blocks vec4 FMAs at its position. At the end the accumulators
// (M, all 16 positions) are exchanged through the same workgroup memory and each invocation applies
// Y = A^T M A to one (tile, block) pair, then the epilogue; pixels past outH/outW (odd sizes) are not stored.
import { bindingDeclarations, type GeneratedKernel } from './kernel-contract.js';
import { convOutputSize, WORKGROUP_INVOCATIONS, WORKGROUP_STORAGE_BYTES, type ConvKernelSpec } from './conv-kernel.js';
import { blockedWeights, outputBlocks } from './weight-layout.js';
import { arenaBindings, blockReader, header, PARAMS_STRUCT, storageAccessors } from './wgsl-common.js';

/**
 * tx x ty output tiles (2x2 pixels each) x obw output blocks per workgroup; the 4 invocations sharing a transform
 * position split the tiles qt ways and the blocks 4/qt ways (each keeps tx*ty/qt x obw*qt/4 vec4 accumulators).
 */
export interface WinogradTiling { kind: 'winograd'; tx: number; ty: number; obw: number; qt: number }

export const winogradKey = (t: WinogradTiling): string => `wino${t.tx}x${t.ty}o${t.obw}q${t.qt}`;

/** Workgroup memory (bytes): the staged raw input + U + V, or the exchanged M, whichever is larger (one array serves both). */
export function winogradTilingBytes(t: WinogradTiling): number {
  const stage = (2 * t.ty + 2) * (2 * t.tx + 2) + 16 * 4 * t.obw + 16 * t.tx * t.ty;
  const exchange = 16 * t.tx * t.ty * t.obw;
  return 16 * Math.max(stage, exchange);
}

/** The layers Winograd serves here: 3x3, reading the arena (the LR-reading head stays an implicit GEMM). */
export function winogradApplies(spec: Pick<ConvKernelSpec, 'k' | 'input'>): boolean {
  return spec.k === 3 && spec.input.kind === 'arena';
}

/**
 * The Winograd tilings a tuner may pick for a layer (every one tested against onnxruntime in
 * src/runtime/winograd-conv.test.ts): 8x4 px x 32 channels (16 KiB), 8x8 px x 16 channels (16 KiB), and a
 * lighter 8x4 px x 16 channels (8 KiB, 8 accumulators: fewer registers for phones); those whose block group
 * divides the layer.
 */
export function winogradCandidates(spec: Pick<ConvKernelSpec, 'k' | 'input' | 'cout'>): WinogradTiling[] {
  if (!winogradApplies(spec)) return [];
  const blocks = outputBlocks(spec.cout);
  const all: WinogradTiling[] = [
    { kind: 'winograd', tx: 4, ty: 2, obw: 8, qt: 2 },
    { kind: 'winograd', tx: 4, ty: 4, obw: 4, qt: 4 },
    { kind: 'winograd', tx: 4, ty: 2, obw: 4, qt: 4 },
  ];
  return all.filter((t) => blocks % t.obw === 0 && winogradTilingBytes(t) <= WORKGROUP_STORAGE_BYTES);
}

// G (4x3) of F(2x2,3x3), for the weight transform; B^T and A^T are written into the WGSL as adds.
const G = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]];

/** OIHW 3x3 weights -> U = G g G^T per (o, i) as [O][I][4][4], then blocked ([O/4][I][16][4], ./weight-layout.ts). Computed in f64. */
export function winogradWeights(dims: number[], data: Float32Array): Float32Array {
  const [O, I, KH, KW] = dims;
  if (dims.length !== 4 || KH !== 3 || KW !== 3) throw new Error(`Winograd F(2x2,3x3) needs 3x3 weights, got [${dims.join(', ')}]`);
  const u = new Float32Array(O * I * 16);
  for (let oi = 0; oi < O * I; oi++) {
    const g = data.subarray(oi * 9, oi * 9 + 9);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) for (let l = 0; l < 3; l++) s += G[i][k] * g[k * 3 + l] * G[j][l];
      u[oi * 16 + i * 4 + j] = s;
    }
  }
  return blockedWeights([O, I, 4, 4], u);
}

/**
 * Executed floating-point operations of one Winograd layer on an outH x outW output (per patch), for cost tables:
 * elementwise 2*cin*cout per transform position and tile, the input transform (32 adds per tile and input channel)
 * once per output-block group (each group's workgroups transform their input again), the output transform (24 adds
 * per tile and output channel). Tiles are counted over the whole workgroup grid (edge tiles run in full).
 */
export function winogradFlops(spec: Pick<ConvKernelSpec, 'cin' | 'cout'>, outH: number, outW: number, t: WinogradTiling): number {
  const tiles = Math.ceil(Math.ceil(outH / 2) / t.ty) * t.ty * Math.ceil(Math.ceil(outW / 2) / t.tx) * t.tx;
  const cin4 = 4 * Math.ceil(spec.cin / 4), cout4 = 4 * outputBlocks(spec.cout);
  const groups = cout4 / 4 / t.obw;
  return tiles * (16 * 2 * cin4 * cout4 + 32 * cin4 * groups + 24 * cout4);
}

export function winogradConvKernel(spec: ConvKernelSpec, tiling: WinogradTiling): GeneratedKernel {
  const { cin, cout, pad } = spec;
  if (!winogradApplies(spec)) throw new Error(`Winograd F(2x2,3x3) serves 3x3 convs on the arena, not a ${spec.k}x${spec.k} conv reading ${spec.input.kind}`);
  const { tx: TX, ty: TY, obw: OBW, qt: QT } = tiling;
  const QO = 4 / QT, T = TX * TY;
  const COB = outputBlocks(cout), CIB = Math.ceil(cin / 4);
  if (!Number.isInteger(QO) || T % QT || OBW % QO) throw new Error(`Winograd tiling ${winogradKey(tiling)}: ${T} tiles / ${QT} and ${OBW} blocks / ${QO} must divide`);
  if (COB % OBW) throw new Error(`Winograd tiling ${winogradKey(tiling)}: ${OBW} output blocks per workgroup do not divide ${COB}`);
  if (winogradTilingBytes(tiling) > WORKGROUP_STORAGE_BYTES) throw new Error(`Winograd tiling ${winogradKey(tiling)} needs ${winogradTilingBytes(tiling)} bytes of workgroup memory (> ${WORKGROUP_STORAGE_BYTES})`);
  const zGroups = COB / OBW;
  const RW = 2 * TX + 2, RH = 2 * TY + 2;
  const UB = RH * RW, VB = UB + 64 * OBW; // U follows the raw tile in the shared array, then V
  const SH = winogradTilingBytes(tiling) / 16;
  const TPT = T / QT, OPT = OBW / QO; // tiles and blocks per invocation
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const lanes = ['x', 'y', 'z', 'w'];
  const acc = (i: number, j: number) => `acc_${i}_${j}`;
  const inits = range(TPT).flatMap((i) => range(OPT).map((j) => `  var ${acc(i, j)} = vec4<f32>(0.0);`)).join('\n');
  // row i of B^T d as 4 column values, each 2 raw-tile terms (d(a, b): raw row a, column b of the tile)
  const btRows = ['d(0, b) - d(2, b)', 'd(1, b) + d(2, b)', 'd(2, b) - d(1, b)', 'd(1, b) - d(3, b)'];
  const inputRows = btRows.map((e, i) => `        case ${i}u: {
${range(4).map((b) => `          r${b} = ${e.replace(/d\((\d), b\)/g, (_m, a) => `sh[base + ${Number(a) * RW + b}u]`)};`).join('\n')}
        }`).join('\n');
  const loadV = range(TPT).map((i) => `    let v_${i} = sh[${VB}u + xi * ${T}u + tq + ${i * QT}u];`).join('\n');
  const gemm = range(4).map((l) => `    {
${range(OPT).map((j) => `      let w_${j} = sh[${UB}u + (xi * 4u + ${l}u) * ${OBW}u + oq + ${j * QO}u];`).join('\n')}
${range(TPT).flatMap((i) => range(OPT).map((j) => `      ${acc(i, j)} = fma(vec4<f32>(v_${i}.${lanes[l]}), w_${j}, ${acc(i, j)});`)).join('\n')}
    }`).join('\n');
  const exchange = range(TPT).flatMap((i) => range(OPT).map((j) => `  sh[((tq + ${i * QT}u) * ${OBW}u + oq + ${j * QO}u) * 16u + xi] = ${acc(i, j)};`)).join('\n');
  const stores = [[0, 0], [0, 1], [1, 0], [1, 1]].map(([r, c]) => `    if (oy + ${r}u < params.outH && ox + ${c}u < params.outW) {
      let at = ((n * ${COB}u + ob) * params.outH + oy + ${r}u) * params.outW + ox + ${c}u;
      var v = y${r}${c} + bias;${spec.relu ? '\n      v = max(v, vec4<f32>(0.0));' : ''}${spec.residual ? '\n      v = v + ldA(params.resOff + at);' : ''}
      stA(params.outOff + at, v);
    }`).join('\n');
  const bindings = arenaBindings(spec.precision);
  const what = `winograd2x2_3x3_${cin}to${cout}${spec.relu ? '_relu' : ''}${spec.residual ? '_res' : ''}_${spec.precision}_${winogradKey(tiling)}`;
  const code = `${header(spec.precision)}// ${what}: Winograd F(2x2,3x3), pad ${pad}; ${2 * TX}x${2 * TY} px x ${OBW * 4} channels per workgroup, ${TPT} tiles x ${OPT * 4} channels at one transform position per invocation
${PARAMS_STRUCT}
${bindingDeclarations(bindings)}
// raw input tile + U + V while accumulating, then M (16 positions per tile and block) for the output transform
var<workgroup> sh: array<vec4<f32>, ${SH}>;
${storageAccessors(spec.precision)}
${blockReader('readInput', spec.input, cin, spec.shift)}

@compute @workgroup_size(${WORKGROUP_INVOCATIONS}, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let n = wg.z / ${zGroups}u;
  let obw0 = (wg.z % ${zGroups}u) * ${OBW}u;
  // this invocation's transform position (row fr, column fc of the 4x4 domain) and its share of tiles and blocks
  let xi = li % 16u;
  let q = li / 16u;
  let tq = q % ${QT}u;
  let oq = q / ${QT}u;
  let y0 = i32(wg.y * ${2 * TY}u) - ${pad};
  let x0 = i32(wg.x * ${2 * TX}u) - ${pad};
${inits}
  for (var cb = 0u; cb < ${CIB}u; cb = cb + 1u) {
    for (var i = li; i < ${RH * RW}u; i = i + ${WORKGROUP_INVOCATIONS}u) {
      sh[i] = readInput(n, cb, y0 + i32(i / ${RW}u), x0 + i32(i % ${RW}u));
    }
    for (var i = li; i < ${64 * OBW}u; i = i + ${WORKGROUP_INVOCATIONS}u) {
      let o = i % ${OBW}u;
      let r = i / ${OBW}u;
      let ic = cb * 4u + r % 4u;
      var w = vec4<f32>(0.0);
      if (ic < ${cin}u) { w = ldW(params.wOff / 4u + ((obw0 + o) * ${cin}u + ic) * 16u + r / 4u); }
      sh[${UB}u + i] = w;
    }
    workgroupBarrier();
    // V = B^T d B once per tile and channel block: invocation (tile, row i) writes V[i][0..3] (B^T rows as adds)
    for (var it = li; it < ${T * 4}u; it = it + ${WORKGROUP_INVOCATIONS}u) {
      let t = it / 4u;
      let i = it % 4u;
      let base = (t / ${TX}u) * ${2 * RW}u + (t % ${TX}u) * 2u;
      var r0: vec4<f32>; var r1: vec4<f32>; var r2: vec4<f32>; var r3: vec4<f32>;
      switch i {
${inputRows}
        default: {}
      }
      let at = ${VB}u + i * ${4 * T}u + t;
      sh[at] = r0 - r2;
      sh[at + ${T}u] = r1 + r2;
      sh[at + ${2 * T}u] = r2 - r1;
      sh[at + ${3 * T}u] = r1 - r3;
    }
    workgroupBarrier();
${loadV}
${gemm}
    workgroupBarrier();
  }
${exchange}
  workgroupBarrier();
  for (var p = li; p < ${T * OBW}u; p = p + ${WORKGROUP_INVOCATIONS}u) {
    let t = p / ${OBW}u;
    let ob = obw0 + p % ${OBW}u;
    let m = p * 16u;
    // Y = A^T M A, A^T = [[1, 1, 1, 0], [0, 1, -1, -1]]: columns first, then rows
    var a0: array<vec4<f32>, 4>;
    var a1: array<vec4<f32>, 4>;
    for (var c = 0u; c < 4u; c = c + 1u) {
      let m1 = sh[m + 4u + c];
      let m2 = sh[m + 8u + c];
      a0[c] = sh[m + c] + m1 + m2;
      a1[c] = m1 - m2 - sh[m + 12u + c];
    }
    let y00 = a0[0] + a0[1] + a0[2];
    let y01 = a0[1] - a0[2] - a0[3];
    let y10 = a1[0] + a1[1] + a1[2];
    let y11 = a1[1] - a1[2] - a1[3];
    let bias = ldW(params.bOff / 4u + ob);
    let oy = (wg.y * ${TY}u + t / ${TX}u) * 2u;
    let ox = (wg.x * ${TX}u + t % ${TX}u) * 2u;
${stores}
  }
}
`;
  const [OH, OW] = convOutputSize(spec);
  return {
    label: what,
    code,
    bindings,
    workgroups: (count) => [Math.ceil(Math.ceil(OW / 2) / TX), Math.ceil(Math.ceil(OH / 2) / TY), count * zGroups],
  };
}

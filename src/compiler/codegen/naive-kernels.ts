// WGSL for the `compiled-naive` engine: one simple kernel per ONNX operator (no fusion, no tiling), one
// invocation per output element, every tensor in its own buffer; plus the gather/scatter kernels that move
// patches between the frame textures and NCHW buffers. Shapes are per patch; the patch count N is a uniform.
import { bindingDeclarations, storage, storageTexture, texture, uniform, type GeneratedKernel, type KernelBinding } from './kernel-contract.js';

export type NCHW = [number, number, number, number];

const WG = 64;
/** 1-D dispatch over `total` elements, folded into 2-D past the 65535-workgroup limit. */
function elementwiseWorkgroups(perPatch: number): (count: number) => [number, number, number] {
  return (count) => {
    const groups = Math.ceil((perPatch * count) / WG);
    return groups <= 65535 ? [groups, 1, 1] : [65535, Math.ceil(groups / 65535), 1];
  };
}
const ELEMENT_INDEX = `let e = id.x + id.y * 65535u * ${WG}u;
  if (e >= count.value) { return; }`;
const COUNT = 'struct Count { value: u32 }';

/** WGSL splitting the element index `e` of an NCHW tensor [N, C, H, W] into its coordinates, named as given. */
function nchwCoords(C: number, H: number, W: number, [n, c, y, x]: [string, string, string, string]): string {
  return `let ${x} = e % ${W}u;
  let ${y} = (e / ${W}u) % ${H}u;
  let ${c} = (e / ${W * H}u) % ${C}u;
  let ${n} = e / ${W * H * C}u;`;
}
const count = uniform('count', 3, 'Count');
const input = (name: string, slot: number) => storage(name, slot, 'array<f32>');
const outBuffer = storage('out', 2, 'array<f32>', 'read_write');

/** A naive kernel: its bindings declared once, written into the WGSL by bindingDeclarations. */
function naiveKernel(label: string, bindings: KernelBinding[], body: string, workgroups: GeneratedKernel['workgroups']): GeneratedKernel {
  return { label, bindings, workgroups, code: `${COUNT}\n${bindingDeclarations(bindings)}\n${body}` };
}

/** elementwise `out = a (op) b` with b broadcast when its shape is [1,C,1,1] */
export function naiveBinaryKernel(op: 'Add' | 'Sub', shape: NCHW, bIsChannelConstant: boolean): GeneratedKernel {
  const [, C, H, W] = shape;
  const bIndex = bIsChannelConstant ? `(e / ${H * W}u) % ${C}u` : 'e';
  return naiveKernel(`naive_${op}_${C}x${H}x${W}${bIsChannelConstant ? '_bc' : ''}`, [input('a', 0), input('b', 1), outBuffer, count], `@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  ${ELEMENT_INDEX}
  out[e] = a[e] ${op === 'Add' ? '+' : '-'} b[${bIndex}];
}
`, elementwiseWorkgroups(C * H * W));
}

export function naiveReluKernel(shape: NCHW): GeneratedKernel {
  const [, C, H, W] = shape;
  return naiveKernel(`naive_Relu_${C}x${H}x${W}`, [input('a', 0), outBuffer, count], `@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  ${ELEMENT_INDEX}
  out[e] = max(a[e], 0.0);
}
`, elementwiseWorkgroups(C * H * W));
}

/** direct conv, one output element per invocation; x [N,cin,H,W], w [cout,cin,k,k], b [cout] */
export function naiveConvKernel(cin: number, cout: number, k: number, pads: [number, number, number, number], inH: number, inW: number): GeneratedKernel {
  const OH = inH + pads[0] + pads[2] - k + 1, OW = inW + pads[1] + pads[3] - k + 1;
  return naiveKernel(`naive_Conv${k}x${k}_${cin}to${cout}_${inH}x${inW}`, [input('x', 0), input('w', 1), input('bias', 4), outBuffer, count], `@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  ${ELEMENT_INDEX}
  ${nchwCoords(cout, OH, OW, ['n', 'oc', 'oy', 'ox'])}
  var acc = bias[oc];
  for (var c = 0u; c < ${cin}u; c = c + 1u) {
    for (var ky = 0u; ky < ${k}u; ky = ky + 1u) {
      let iy = i32(oy + ky) - ${pads[0]};
      if (iy < 0 || iy >= ${inH}) { continue; }
      for (var kx = 0u; kx < ${k}u; kx = kx + 1u) {
        let ix = i32(ox + kx) - ${pads[1]};
        if (ix < 0 || ix >= ${inW}) { continue; }
        acc = acc + x[((n * ${cin}u + c) * ${inH}u + u32(iy)) * ${inW}u + u32(ix)] * w[((oc * ${cin}u + c) * ${k}u + ky) * ${k}u + kx];
      }
    }
  }
  out[e] = acc;
}
`, elementwiseWorkgroups(cout * OH * OW));
}

/** DepthToSpace CRD: out[n, c, h*s+i, w*s+j] = in[n, c*s*s + i*s + j, h, w] */
export function naiveDepthToSpaceKernel(inShape: NCHW, s: number): GeneratedKernel {
  const [, CI, H, W] = inShape;
  const C = CI / (s * s), OH = H * s, OW = W * s;
  return naiveKernel(`naive_DepthToSpace_${CI}x${H}x${W}_s${s}`, [input('a', 0), outBuffer, count], `@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  ${ELEMENT_INDEX}
  ${nchwCoords(C, OH, OW, ['n', 'c', 'Y', 'X'])}
  out[e] = a[((n * ${CI}u + c * ${s * s}u + (Y % ${s}u) * ${s}u + X % ${s}u) * ${H}u + Y / ${s}u) * ${W}u + X / ${s}u];
}
`, elementwiseWorkgroups(C * OH * OW));
}

/** LR texture -> [N,3,h+2*halo,w+2*halo] at the patch origins, halo clamped to the frame */
export function naiveGatherKernel(patchH: number, patchW: number, halo: number): GeneratedKernel {
  const H = patchH + 2 * halo, W = patchW + 2 * halo;
  return naiveKernel(`naive_gather_${patchH}x${patchW}_h${halo}`, [texture('lr', 0), storage('origins', 1, 'array<vec2<u32>>'), outBuffer, count], `@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  ${ELEMENT_INDEX}
  ${nchwCoords(3, H, W, ['n', 'c', 'y', 'x'])}
  let p = clamp(vec2<i32>(origins[n]) + vec2<i32>(i32(x), i32(y)) - vec2<i32>(${halo}), vec2<i32>(0), vec2<i32>(textureDimensions(lr)) - vec2<i32>(1));
  out[e] = textureLoad(lr, p, 0)[c];
}
`, elementwiseWorkgroups(3 * H * W));
}

/**
 * [N,3,s*(h+2*halo),s*(w+2*halo)] -> the centre s*h x s*w of each patch: into the HR texture at s*origin
 * ('texture'), or into an f32 buffer [N,3,s*h,s*w] ('float', for tests before 8-bit quantisation).
 */
export function naiveScatterKernel(patchH: number, patchW: number, halo: number, s: number, output: 'texture' | 'float'): GeneratedKernel {
  const OH = s * patchH, OW = s * patchW;
  const IH = s * (patchH + 2 * halo), IW = s * (patchW + 2 * halo);
  return naiveKernel(`naive_scatter_${patchH}x${patchW}_h${halo}_s${s}_${output}`, [input('a', 0), storage('origins', 1, 'array<vec2<u32>>'), output === 'texture' ? storageTexture('hr', 2) : outBuffer, count], `@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  ${ELEMENT_INDEX}
  let X = e % ${OW}u;
  let Y = (e / ${OW}u) % ${OH}u;
  let n = e / ${OW * OH}u;
  let src = n * ${3 * IH * IW}u + (Y + ${s * halo}u) * ${IW}u + X + ${s * halo}u;
  let rgb = vec3<f32>(a[src], a[src + ${IH * IW}u], a[src + ${2 * IH * IW}u]);
${output === 'texture'
    ? `  textureStore(hr, vec2<i32>(origins[n] * ${s}u + vec2<u32>(X, Y)), vec4<f32>(clamp(rgb, vec3<f32>(0.0), vec3<f32>(1.0)), 1.0));`
    : `  let at = n * ${3 * OH * OW}u + Y * ${OW}u + X;
  out[at] = rgb.r;
  out[at + ${OH * OW}u] = rgb.g;
  out[at + ${2 * OH * OW}u] = rgb.b;`}
}
`, elementwiseWorkgroups(OH * OW));
}

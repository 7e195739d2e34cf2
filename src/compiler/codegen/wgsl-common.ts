// Pieces every generated kernel shares: the storage precision (how arena and weights are stored; the math is
// always f32), the per-dispatch Params uniform, and the LR frame reader (patch rectangles grown by the halo,
// clamped to the frame). Activations live in the arena channel-blocked: [N][ceil(C/4)][H][W] of vec4 units,
// so one load brings 4 channels of a pixel and every access is a vec4 (or a vec2<u32> of packed halves).

import { storage, texture, uniform, type KernelBinding } from './kernel-contract.js';

/**
 * Storage of arena and weights: `f32`; `f16` (native `enable f16;`, needs the device's shader-f16);
 * `f16-packed` (two halves per u32 via pack2x16float/unpack2x16float: every adapter, Adreno included).
 * Accumulation is f32 in all three.
 */
export type Precision = 'f32' | 'f16' | 'f16-packed';

/** Bytes per stored element (the memory plan's unit). */
export const elementBytes = (p: Precision): number => (p === 'f32' ? 4 : 2);

/** Where a kernel's activation input lives. */
export type KernelInput = { kind: 'arena' } | { kind: 'lr'; halo: number };

/**
 * Per-dispatch values; one struct for every generated kernel. Arena offsets are in vec4 units, weight
 * offsets in elements (multiples of 4); inH/inW/outH/outW are the spatial sizes, so one pipeline serves
 * every patch shape of a layer (fewer pipelines to compile at start).
 */
export const PARAMS_STRUCT = 'struct Params { inOff: u32, outOff: u32, resOff: u32, wOff: u32, bOff: u32, wOffB: u32, bOffB: u32, count: u32, inH: u32, inW: u32, outH: u32, outW: u32 }';
export const PARAMS_WORDS = 12;
export interface KernelParams {
  inOff: number; outOff: number; resOff: number; wOff: number; bOff: number; wOffB: number; bOffB: number; count: number;
  inH: number; inW: number; outH: number; outW: number;
}

export function paramsWords(p: KernelParams): Uint32Array {
  return Uint32Array.from([p.inOff, p.outOff, p.resOff, p.wOff, p.bOff, p.wOffB, p.bOffB, p.count, p.inH, p.inW, p.outH, p.outW]);
}

export function header(precision: Precision): string {
  return precision === 'f16' ? 'enable f16;\n' : '';
}

/** WGSL f32 literal (shift and bias constants baked into the shader). */
export function literal(v: number): string {
  return Number.isInteger(v) ? `${v.toFixed(1)}` : String(Math.fround(v));
}

/** WGSL type of one stored vec4 unit. */
export function unitType(precision: Precision): string {
  return precision === 'f32' ? 'vec4<f32>' : precision === 'f16' ? 'vec4<f16>' : 'vec2<u32>';
}

/** The arena (activations), the blocked weights and the Params uniform: slots 0-2 of every fused kernel. */
export function arenaBindings(precision: Precision): KernelBinding[] {
  const u = unitType(precision);
  return [storage('arena', 0, `array<${u}>`, 'read_write'), storage('weights', 1, `array<${u}>`), uniform('params', 2, 'Params')];
}

/** The LR frame and the patch origins: slots 3-4 of a kernel that reads the frame. */
export const lrBindings: readonly KernelBinding[] = [texture('lr', 3), storage('origins', 4, 'array<vec2<u32>>')];

/** `ldA(i)` / `stA(i, v)` / `ldW(i)`: vec4<f32> access to arena and weight unit i, whatever the storage. */
export function storageAccessors(precision: Precision): string {
  if (precision === 'f32') {
    return `fn ldA(i: u32) -> vec4<f32> { return arena[i]; }
fn stA(i: u32, v: vec4<f32>) { arena[i] = v; }
fn ldW(i: u32) -> vec4<f32> { return weights[i]; }`;
  }
  if (precision === 'f16') {
    return `fn ldA(i: u32) -> vec4<f32> { return vec4<f32>(arena[i]); }
fn stA(i: u32, v: vec4<f32>) { arena[i] = vec4<f16>(v); }
fn ldW(i: u32) -> vec4<f32> { return vec4<f32>(weights[i]); }`;
  }
  return `fn unpackUnit(u: vec2<u32>) -> vec4<f32> { return vec4<f32>(unpack2x16float(u.x), unpack2x16float(u.y)); }
fn ldA(i: u32) -> vec4<f32> { return unpackUnit(arena[i]); }
fn stA(i: u32, v: vec4<f32>) { arena[i] = vec2<u32>(pack2x16float(v.xy), pack2x16float(v.zw)); }
fn ldW(i: u32) -> vec4<f32> { return unpackUnit(weights[i]); }`;
}

/** Per-channel constants as vec4 blocks (channels padded with 0). */
export function vec4Blocks(values: number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < values.length; i += 4) out.push(`vec4<f32>(${[0, 1, 2, 3].map((j) => literal(values[i + j] ?? 0)).join(', ')})`);
  return out;
}

/**
 * `fn ${name}(n, cb, y, x) -> vec4<f32>`: channel block cb (4 channels) of the input at (y, x), zero outside
 * the input's params.inH x params.inW (the conv's zero padding), minus the per-channel shift (the folded mean
 * Sub) inside it. For the LR input (3 channels, one block, lane w = 0), (y, x) is relative to the patch grown
 * by the halo, and pixels outside the frame clamp to its edge.
 */
export function blockReader(name: string, input: KernelInput, channels: number, shift: number[] | null, offsetExpr = 'params.inOff'): string {
  const blocks = Math.ceil(channels / 4);
  const shifts = shift ? vec4Blocks(shift) : null;
  const shiftDecl = shifts ? `var<private> ${name}_shift: array<vec4<f32>, ${blocks}> = array<vec4<f32>, ${blocks}>(${shifts.join(', ')});\n` : '';
  const minus = shifts ? ` - ${name}_shift[cb]` : '';
  if (input.kind === 'lr' && channels !== 3) throw new Error(`an LR frame input has 3 channels, not ${channels}`);
  const body = input.kind === 'lr'
    ? `  let p = clamp(vec2<i32>(origins[n]) + vec2<i32>(x, y) - vec2<i32>(${input.halo}), vec2<i32>(0), vec2<i32>(textureDimensions(lr)) - vec2<i32>(1));
  return vec4<f32>(textureLoad(lr, p, 0).xyz, 0.0)${shifts ? ` - vec4<f32>(${name}_shift[cb].xyz, 0.0)` : ''};`
    : `  return ldA(${offsetExpr} + ((n * ${blocks}u + cb) * params.inH + u32(y)) * params.inW + u32(x))${minus};`;
  return `${shiftDecl}fn ${name}(n: u32, cb: u32, y: i32, x: i32) -> vec4<f32> {
  if (y < 0 || y >= i32(params.inH) || x < 0 || x >= i32(params.inW)) { return vec4<f32>(0.0); }
${body}
}`;
}

// Pieces every generated kernel shares: element type, the per-dispatch Params uniform, and the input
// readers (arena tensor, or LR frame texture at patch rectangles grown by the halo, clamped to the frame).

import { storage, texture, uniform, type KernelBinding } from './kernel-contract.js';

export type Precision = 'f32' | 'f16';

/** Where a kernel's activation input lives. */
export type KernelInput = { kind: 'arena' } | { kind: 'lr'; halo: number };

/** Per-dispatch offsets (in arena elements / weight elements); one struct for every generated kernel. */
export const PARAMS_STRUCT = 'struct Params { inOff: u32, outOff: u32, resOff: u32, wOff: u32, bOff: u32, wOffB: u32, bOffB: u32, count: u32 }';
export const PARAMS_WORDS = 8;
export interface KernelParams { inOff: number; outOff: number; resOff: number; wOff: number; bOff: number; wOffB: number; bOffB: number; count: number }

export function paramsWords(p: KernelParams): Uint32Array {
  return Uint32Array.from([p.inOff, p.outOff, p.resOff, p.wOff, p.bOff, p.wOffB, p.bOffB, p.count]);
}

export function header(precision: Precision): string {
  return precision === 'f16' ? 'enable f16;\n' : '';
}

/** WGSL literal of a float in the kernel's type (shift and bias constants baked into the shader). */
export function literal(v: number, precision: Precision): string {
  const s = Number.isInteger(v) ? v.toFixed(1) : String(Math.fround(v));
  return precision === 'f16' ? `f16(${s})` : `f32(${s})`;
}

/** The arena (activations), the blocked weights and the Params uniform: slots 0-2 of every fused kernel. */
export function arenaBindings(elementType: string, weightType: string): KernelBinding[] {
  return [storage('arena', 0, `array<${elementType}>`, 'read_write'), storage('weights', 1, `array<${weightType}>`), uniform('params', 2, 'Params')];
}

/** The LR frame and the patch origins: slots 3-4 of a kernel that reads the frame. */
export const lrBindings: readonly KernelBinding[] = [texture('lr', 3), storage('origins', 4, 'array<vec2<u32>>')];

/**
 * `fn ${name}(n, c, y, x) -> T`: one input element at (y, x) of an input of `height x width`, zero outside
 * it (the conv's zero padding), minus the per-channel shift (the folded mean Sub) inside it. For the LR
 * input, (y, x) is relative to the patch grown by the halo, and pixels outside the frame clamp to its edge.
 */
export function inputReader(name: string, input: KernelInput, channels: number, height: number, width: number, shift: number[] | null, precision: Precision, offsetExpr = 'params.inOff'): string {
  const T = precision;
  const shiftDecl = shift ? `var<private> ${name}_shift: array<f32, ${channels}> = array<f32, ${channels}>(${shift.map((v) => literal(v, 'f32')).join(', ')});\n` : '';
  const minus = shift ? ` - ${name}_shift[c]` : '';
  const body = input.kind === 'lr'
    ? `  let p = clamp(vec2<i32>(origins[n]) + vec2<i32>(x, y) - vec2<i32>(${input.halo}), vec2<i32>(0), vec2<i32>(textureDimensions(lr)) - vec2<i32>(1));
  return ${T}(textureLoad(lr, p, 0)[c]${minus});`
    : shift
      ? `  return ${T}(f32(arena[${offsetExpr} + ((n * ${channels}u + c) * ${height}u + u32(y)) * ${width}u + u32(x)])${minus});`
      : `  return arena[${offsetExpr} + ((n * ${channels}u + c) * ${height}u + u32(y)) * ${width}u + u32(x)];`;
  return `${shiftDecl}fn ${name}(n: u32, c: u32, y: i32, x: i32) -> ${T} {
  if (y < 0 || y >= ${height} || x < 0 || x >= ${width}) { return ${T}(0); }
${body}
}`;
}

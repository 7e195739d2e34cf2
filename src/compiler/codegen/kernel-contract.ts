// The kernel contract: a WGSL kernel (generated here or hand-written in shaders/) declares its bindings
// (name, slot, resource kind, access) next to its code. The WGSL declarations of generated kernels are
// written from that list, and the runtime's one helper (src/runtime/kernel-program.ts) builds the bind group
// layout and the bind groups from it, so a binding is typed once.

export type BindingResource =
  | { kind: 'storage'; access: 'read' | 'read_write'; type: string }
  | { kind: 'uniform'; type: string }
  | { kind: 'texture'; type: string }
  | { kind: 'storage-texture'; format: 'rgba8unorm' }
  | { kind: 'external-texture' }
  | { kind: 'sampler' };

export interface KernelBinding { name: string; slot: number; resource: BindingResource }

export interface KernelSource {
  label: string;
  code: string;
  bindings: readonly KernelBinding[];
}

export interface GeneratedKernel extends KernelSource {
  /** workgroups for `count` patches */
  workgroups(count: number): [number, number, number];
}

export const storage = (name: string, slot: number, type: string, access: 'read' | 'read_write' = 'read'): KernelBinding =>
  ({ name, slot, resource: { kind: 'storage', access, type } });
export const uniform = (name: string, slot: number, type: string): KernelBinding => ({ name, slot, resource: { kind: 'uniform', type } });
export const texture = (name: string, slot: number, type = 'texture_2d<f32>'): KernelBinding => ({ name, slot, resource: { kind: 'texture', type } });
export const storageTexture = (name: string, slot: number): KernelBinding => ({ name, slot, resource: { kind: 'storage-texture', format: 'rgba8unorm' } });
export const externalTexture = (name: string, slot: number): KernelBinding => ({ name, slot, resource: { kind: 'external-texture' } });
export const sampler = (name: string, slot: number): KernelBinding => ({ name, slot, resource: { kind: 'sampler' } });

function declaration(b: KernelBinding): string {
  const at = `@group(0) @binding(${b.slot})`;
  const r = b.resource;
  switch (r.kind) {
    case 'storage': return `${at} var<storage, ${r.access}> ${b.name}: ${r.type};`;
    case 'uniform': return `${at} var<uniform> ${b.name}: ${r.type};`;
    case 'texture': return `${at} var ${b.name}: ${r.type};`;
    case 'storage-texture': return `${at} var ${b.name}: texture_storage_2d<${r.format}, write>;`;
    case 'external-texture': return `${at} var ${b.name}: texture_external;`;
    case 'sampler': return `${at} var ${b.name}: sampler;`;
  }
}

/** The WGSL declarations of `bindings`, one line each (slots must be unique). */
export function bindingDeclarations(bindings: readonly KernelBinding[]): string {
  const slots = new Set<number>();
  for (const b of bindings) {
    if (slots.has(b.slot)) throw new Error(`binding slot ${b.slot} is declared twice ('${b.name}')`);
    slots.add(b.slot);
  }
  return bindings.map(declaration).join('\n');
}

/** What a WGSL source itself declares in group 0: slot -> variable name (to check a hand-written shader against its list). */
export function wgslDeclaredBindings(code: string): Map<number, string> {
  const found = new Map<number, string>();
  for (const m of code.matchAll(/@group\(0\)\s*@binding\((\d+)\)\s*var(?:<[^>]*>)?\s+(\w+)\s*:/g)) found.set(Number(m[1]), m[2]);
  return found;
}

// The one runtime helper for WGSL kernels: compiles a kernel (code + its declared bindings, see
// src/compiler/codegen/kernel-contract.ts) into a pipeline with an explicit layout, builds bind groups by
// binding name (checked against the declaration), and records dispatches into the caller's encoder.
// Render pipelines (the presenter) use the same layout and bind-group builders.
import type { BindingResource, KernelSource } from '../compiler/codegen/kernel-contract.js';

/** A resource for a binding: a whole buffer, a buffer range, a texture (its default view), a view, a sampler. */
export type BoundResource = GPUBuffer | GPUBufferBinding | GPUTexture | GPUTextureView | GPUSampler | GPUExternalTexture;

function layoutEntry(slot: number, r: BindingResource, visibility: number): GPUBindGroupLayoutEntry {
  switch (r.kind) {
    case 'storage': return { binding: slot, visibility, buffer: { type: r.access === 'read' ? 'read-only-storage' : 'storage' } };
    case 'uniform': return { binding: slot, visibility, buffer: { type: 'uniform' } };
    case 'texture': return { binding: slot, visibility, texture: { sampleType: 'float' } };
    case 'storage-texture': return { binding: slot, visibility, storageTexture: { access: 'write-only', format: r.format } };
    case 'external-texture': return { binding: slot, visibility, externalTexture: {} };
    case 'sampler': return { binding: slot, visibility, sampler: {} };
  }
}

function resourceOf(r: BoundResource): GPUBindingResource {
  if (r instanceof GPUBuffer) return { buffer: r };
  if (r instanceof GPUTexture) return r.createView();
  return r;
}

/** The bind group layout a kernel's declared bindings describe. */
export function bindGroupLayoutFor(device: GPUDevice, kernel: KernelSource, visibility: number = GPUShaderStage.COMPUTE): GPUBindGroupLayout {
  return device.createBindGroupLayout({ label: kernel.label, entries: kernel.bindings.map((b) => layoutEntry(b.slot, b.resource, visibility)) });
}

/** A bind group from resources named as the kernel declares them; every declared binding must be given. */
export function bindGroupFor(device: GPUDevice, layout: GPUBindGroupLayout, kernel: KernelSource, resources: Record<string, BoundResource>, label = kernel.label): GPUBindGroup {
  const names = new Set(kernel.bindings.map((b) => b.name));
  for (const name of Object.keys(resources)) if (!names.has(name)) throw new Error(`kernel '${kernel.label}' has no binding '${name}' (it declares ${[...names].join(', ')})`);
  const entries = kernel.bindings.map((b): GPUBindGroupEntry => {
    const r = resources[b.name];
    if (!r) throw new Error(`kernel '${kernel.label}': binding '${b.name}' was not given`);
    return { binding: b.slot, resource: resourceOf(r) };
  });
  return device.createBindGroup({ label, layout, entries });
}

/** A shader module whose compile errors are thrown with the kernel's label and line:column. */
export async function checkedShaderModule(device: GPUDevice, kernel: KernelSource): Promise<GPUShaderModule> {
  const module = device.createShaderModule({ label: kernel.label, code: kernel.code });
  const problems = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
  if (problems.length) throw new Error(`WGSL kernel '${kernel.label}' does not compile: ${problems.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
  return module;
}

export class KernelProgram<K extends KernelSource = KernelSource> {
  private constructor(readonly kernel: K, readonly pipeline: GPUComputePipeline, private readonly layout: GPUBindGroupLayout, private readonly device: GPUDevice) {}

  /** Compiles `kernel` (asynchronously: no first-frame freeze); a WGSL error is thrown with the kernel's label and line:column. */
  static async create<K extends KernelSource>(device: GPUDevice, kernel: K, entryPoint = 'main'): Promise<KernelProgram<K>> {
    const module = await checkedShaderModule(device, kernel);
    const layout = bindGroupLayoutFor(device, kernel);
    const pipeline = await device.createComputePipelineAsync({
      label: kernel.label, layout: device.createPipelineLayout({ label: kernel.label, bindGroupLayouts: [layout] }), compute: { module, entryPoint },
    });
    return new KernelProgram(kernel, pipeline, layout, device);
  }

  /** Synchronous variant for small hand-written kernels built in constructors. */
  static createSync<K extends KernelSource>(device: GPUDevice, kernel: K, entryPoint = 'main'): KernelProgram<K> {
    const module = device.createShaderModule({ label: kernel.label, code: kernel.code });
    const layout = bindGroupLayoutFor(device, kernel);
    const pipeline = device.createComputePipeline({
      label: kernel.label, layout: device.createPipelineLayout({ label: kernel.label, bindGroupLayouts: [layout] }), compute: { module, entryPoint },
    });
    return new KernelProgram(kernel, pipeline, layout, device);
  }

  bindGroup(resources: Record<string, BoundResource>, label = this.kernel.label): GPUBindGroup {
    return bindGroupFor(this.device, this.layout, this.kernel, resources, label);
  }

  /** Records one dispatch into `pass` (the caller owns the pass and the encoder). */
  dispatch(pass: GPUComputePassEncoder, group: GPUBindGroup, workgroups: readonly [number, number, number]): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
  }

  /** One pass with one dispatch, recorded into `encoder`. */
  encode(encoder: GPUCommandEncoder, resources: Record<string, BoundResource>, workgroups: readonly [number, number, number]): void {
    const pass = encoder.beginComputePass({ label: this.kernel.label });
    this.dispatch(pass, this.bindGroup(resources), workgroups);
    pass.end();
  }
}

// The one runtime helper for WGSL kernels: compiles a kernel (code + its declared bindings, see
// src/compiler/codegen/kernel-contract.ts) into a pipeline with an explicit layout, builds bind groups by
// binding name (checked against the declaration), and records dispatches into the caller's encoder.
import type { BindingResource, KernelSource } from '../compiler/codegen/kernel-contract.js';

export type BoundResource = GPUBuffer | GPUTexture | GPUTextureView | GPUSampler;

function layoutEntry(slot: number, r: BindingResource): GPUBindGroupLayoutEntry {
  const visibility = GPUShaderStage.COMPUTE;
  switch (r.kind) {
    case 'storage': return { binding: slot, visibility, buffer: { type: r.access === 'read' ? 'read-only-storage' : 'storage' } };
    case 'uniform': return { binding: slot, visibility, buffer: { type: 'uniform' } };
    case 'texture': return { binding: slot, visibility, texture: { sampleType: 'float' } };
    case 'storage-texture': return { binding: slot, visibility, storageTexture: { access: 'write-only', format: r.format } };
    case 'sampler': return { binding: slot, visibility, sampler: {} };
  }
}

function resourceOf(r: BoundResource): GPUBindingResource {
  if (r instanceof GPUBuffer) return { buffer: r };
  if (r instanceof GPUTexture) return r.createView();
  return r;
}

export class KernelProgram<K extends KernelSource = KernelSource> {
  private constructor(readonly kernel: K, readonly pipeline: GPUComputePipeline, private readonly layout: GPUBindGroupLayout, private readonly device: GPUDevice) {}

  /** Compiles `kernel`; a WGSL error is thrown with the kernel's label and line:column. */
  static async create<K extends KernelSource>(device: GPUDevice, kernel: K, entryPoint = 'main'): Promise<KernelProgram<K>> {
    const module = device.createShaderModule({ label: kernel.label, code: kernel.code });
    const problems = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
    if (problems.length) throw new Error(`WGSL kernel '${kernel.label}' does not compile: ${problems.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
    const layout = device.createBindGroupLayout({ label: kernel.label, entries: kernel.bindings.map((b) => layoutEntry(b.slot, b.resource)) });
    const pipeline = await device.createComputePipelineAsync({
      label: kernel.label, layout: device.createPipelineLayout({ label: kernel.label, bindGroupLayouts: [layout] }), compute: { module, entryPoint },
    });
    return new KernelProgram(kernel, pipeline, layout, device);
  }

  /** A bind group from resources named as the kernel declares them; every declared binding must be given. */
  bindGroup(resources: Record<string, BoundResource>, label = this.kernel.label): GPUBindGroup {
    const names = new Set(this.kernel.bindings.map((b) => b.name));
    for (const name of Object.keys(resources)) if (!names.has(name)) throw new Error(`kernel '${this.kernel.label}' has no binding '${name}' (it declares ${[...names].join(', ')})`);
    const entries = this.kernel.bindings.map((b): GPUBindGroupEntry => {
      const r = resources[b.name];
      if (!r) throw new Error(`kernel '${this.kernel.label}': binding '${b.name}' was not given`);
      return { binding: b.slot, resource: resourceOf(r) };
    });
    return this.device.createBindGroup({ label, layout: this.layout, entries });
  }

  /** Records one dispatch into `pass` (the caller owns the pass and the encoder). */
  dispatch(pass: GPUComputePassEncoder, group: GPUBindGroup, workgroups: readonly [number, number, number]): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
  }
}

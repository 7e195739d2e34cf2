// The `compiled-naive` engine: our runtime with the optimisations off. One generated kernel per ONNX
// operator of the routed path (Sub, Conv, Relu, Add, DepthToSpace), every intermediate tensor in its own
// buffer allocated for the run and destroyed after it, no fusion, no planning; a gather kernel feeds it
// from the LR texture and a scatter kernel writes the centre crops into the HR texture.
import { naiveBinaryKernel, naiveConvKernel, naiveDepthToSpaceKernel, naiveGatherKernel, naiveReluKernel, naiveScatterKernel, type NCHW } from '../compiler/codegen/naive-kernels.js';
import type { GeneratedKernel } from '../compiler/codegen/kernel-contract.js';
import { shapeClassKey, shapeOf, specializeShapeClass, type ShapeClass } from '../compiler/compile-shape-class.js';
import { dimValue } from '../compiler/symbolic-dim.js';
import { attrInt, attrInts, type Model, type Node } from '../onnx/graph.js';
import { readModel } from '../onnx/model-io.js';
import { groupPatchesByShape } from '../format/patch.js';
import type { EngineModel, FrameJob, FrameResult, PatchRect, SREngine } from './engine.js';
import { KernelProgram, type BoundResource } from './kernel-program.js';

type Program = KernelProgram<GeneratedKernel>;
interface NaiveOp { node: Node; program: Program; outPerPatch: number }
interface NaiveClass { cls: ShapeClass; gather: Program; ops: NaiveOp[]; scatter: Map<'texture' | 'float', Program>; inputName: string; inPerPatch: number; outputName: string }

export class NaiveEngine implements SREngine {
  readonly name = 'compiled-naive' as const;
  private model: Model | null = null;
  private readonly constants = new Map<string, GPUBuffer>();
  private readonly classes = new Map<string, Promise<NaiveClass>>();

  constructor(private readonly device: GPUDevice, private readonly engineModel: EngineModel) {}

  async prepare(onProgress?: (fraction: number, message: string) => void): Promise<void> {
    this.model ??= readModel(this.engineModel.onnx);
    for (const [name, t] of this.model.graph.initializers) {
      if (t.dtype !== 'float32' || this.constants.has(name)) continue;
      const buf = this.device.createBuffer({ label: name, size: Math.max(16, t.data.length * 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      this.device.queue.writeBuffer(buf, 0, t.data as Float32Array<ArrayBuffer>);
      this.constants.set(name, buf);
    }
    const paths = this.engineModel.paths;
    for (let i = 0; i < paths.length; i++) {
      onProgress?.(i / paths.length, `naive: path ${paths[i].id}`);
      await this.naiveClass({ path: paths[i].id, patchH: paths[i].patch[0], patchW: paths[i].patch[1] });
    }
    onProgress?.(1, 'naive engine ready');
  }

  private program(k: GeneratedKernel): Promise<Program> { return KernelProgram.create(this.device, k); }

  private naiveClass(cls: ShapeClass): Promise<NaiveClass> {
    const key = shapeClassKey(cls);
    let p = this.classes.get(key);
    if (!p) { p = this.buildClass(cls); this.classes.set(key, p); }
    return p;
  }

  private async buildClass(cls: ShapeClass): Promise<NaiveClass> {
    const model = this.model!;
    const { halo, scale } = this.engineModel;
    const H = cls.patchH + 2 * halo, W = cls.patchW + 2 * halo;
    const { graph, shapes, input: inputName } = specializeShapeClass(model, cls, halo, 1);
    const dims = (t: string) => shapeOf(shapes, t).map((d) => dimValue(d)!) as NCHW;
    const ops = await Promise.all(graph.nodes.map(async (node): Promise<NaiveOp> => {
      const a = dims(node.inputs[0]);
      let kernel: GeneratedKernel;
      switch (node.opType) {
        case 'Sub': case 'Add': {
          const b = dims(node.inputs[1]);
          kernel = naiveBinaryKernel(node.opType, a, b[0] === 1 && b[2] === 1 && b[3] === 1 && a.join() !== b.join());
          break;
        }
        case 'Relu': kernel = naiveReluKernel(a); break;
        case 'Conv': {
          const w = dims(node.inputs[1]);
          kernel = naiveConvKernel(a[1], w[0], w[2], (attrInts(node, 'pads') ?? [0, 0, 0, 0]) as [number, number, number, number], a[2], a[3]);
          break;
        }
        case 'DepthToSpace': kernel = naiveDepthToSpaceKernel(a, attrInt(node, 'blocksize', 1)); break;
        default: throw new Error(`compiled-naive: op ${node.opType} (${node.name}) has no naive kernel`);
      }
      const out = dims(node.outputs[0]);
      return { node, program: await this.program(kernel), outPerPatch: out[1] * out[2] * out[3] };
    }));
    return {
      cls, ops, inputName, outputName: model.graph.outputs[0].name, inPerPatch: 3 * H * W,
      gather: await this.program(naiveGatherKernel(cls.patchH, cls.patchW, halo)),
      scatter: new Map([['texture', await this.program(naiveScatterKernel(cls.patchH, cls.patchW, halo, scale, 'texture'))]]),
    };
  }

  private async encodeClass(encoder: GPUCommandEncoder, patches: PatchRect[], lr: GPUTexture, target: { hr: GPUTexture } | { float: GPUBuffer }, temps: GPUBuffer[]): Promise<void> {
    const nc = await this.naiveClass({ path: patches[0].path, patchH: patches[0].h, patchW: patches[0].w });
    const n = patches.length;
    const buffer = (bytes: number, usage: number, label: string) => { const b = this.device.createBuffer({ label, size: Math.max(16, bytes), usage }); temps.push(b); return b; };
    const countUniform = (elements: number) => { const b = buffer(16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'count'); this.device.queue.writeBuffer(b, 0, Uint32Array.from([elements, 0, 0, 0])); return b; };
    const origins = buffer(8 * n, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'origins');
    this.device.queue.writeBuffer(origins, 0, Uint32Array.from(patches.flatMap((p) => [p.x, p.y])));
    const tensors = new Map<string, GPUBuffer>(this.constants);
    const dispatch = (program: Program, resources: Record<string, BoundResource>) => {
      const pass = encoder.beginComputePass({ label: program.kernel.label });
      program.dispatch(pass, program.bindGroup(resources), program.kernel.workgroups(n));
      pass.end();
    };
    const input = buffer(4 * nc.inPerPatch * n, GPUBufferUsage.STORAGE, nc.inputName);
    tensors.set(nc.inputName, input);
    dispatch(nc.gather, { lr, origins, out: input, count: countUniform(nc.inPerPatch * n) });
    for (const op of nc.ops) {
      const out = buffer(4 * op.outPerPatch * n, GPUBufferUsage.STORAGE, op.node.outputs[0]);
      tensors.set(op.node.outputs[0], out);
      // operands bind in the order the naive kernel names them (a, b / x, w, bias)
      const names = op.node.opType === 'Conv' ? ['x', 'w', 'bias'] : ['a', 'b'];
      const operands = Object.fromEntries(op.node.inputs.map((t, i) => [names[i], tensors.get(t)!]));
      dispatch(op.program, { ...operands, out, count: countUniform(op.outPerPatch * n) });
    }
    const mode = 'hr' in target ? 'texture' : 'float';
    let scatter = nc.scatter.get(mode);
    if (!scatter) {
      scatter = await this.program(naiveScatterKernel(nc.cls.patchH, nc.cls.patchW, this.engineModel.halo, this.engineModel.scale, mode));
      nc.scatter.set(mode, scatter);
    }
    const s = this.engineModel.scale;
    dispatch(scatter, {
      a: tensors.get(nc.outputName)!, origins,
      ...('hr' in target ? { hr: target.hr } : { out: target.float }),
      count: countUniform(s * s * nc.cls.patchH * nc.cls.patchW * n),
    });
  }

  private groups(patches: PatchRect[]): PatchRect[][] { return [...groupPatchesByShape(patches).values()]; }

  async run(job: FrameJob): Promise<FrameResult> {
    const start = performance.now();
    const temps: GPUBuffer[] = [];
    const encoder = this.device.createCommandEncoder({ label: 'naive-frame' });
    for (const group of this.groups(job.patches)) await this.encodeClass(encoder, group, job.lr, { hr: job.hr }, temps);
    this.device.queue.submit([encoder.finish()]);
    await this.device.queue.onSubmittedWorkDone();
    for (const b of temps) b.destroy();
    return { gpuMs: null, wallMs: performance.now() - start };
  }

  /** Float HR patches [3, s*h, s*w] in `patches` order, before 8-bit quantisation (tests, bench). */
  async runFloat(job: Omit<FrameJob, 'hr'>): Promise<Float32Array[]> {
    const s = this.engineModel.scale;
    const out = new Map<PatchRect, Float32Array>();
    for (const group of this.groups(job.patches)) {
      const temps: GPUBuffer[] = [];
      const per = 3 * s * s * group[0].h * group[0].w;
      const bytes = 4 * per * group.length;
      const float = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
      const read = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
      this.device.pushErrorScope('validation');
      const encoder = this.device.createCommandEncoder();
      await this.encodeClass(encoder, group, job.lr, { float }, temps);
      encoder.copyBufferToBuffer(float, 0, read, 0, bytes);
      this.device.queue.submit([encoder.finish()]);
      const error = await this.device.popErrorScope();
      if (error) throw new Error(`compiled-naive: ${error.message}`);
      await read.mapAsync(GPUMapMode.READ);
      const all = new Float32Array(read.getMappedRange().slice(0));
      read.unmap();
      for (const b of [...temps, float, read]) b.destroy();
      group.forEach((p, i) => out.set(p, all.slice(i * per, (i + 1) * per)));
    }
    return job.patches.map((p) => out.get(p)!);
  }

  dispose(): void {
    for (const b of this.constants.values()) b.destroy();
    this.constants.clear();
    this.classes.clear();
  }
}

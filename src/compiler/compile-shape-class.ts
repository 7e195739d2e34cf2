// The compiler driver: the one entry the runtime uses. For one shape class (path, patch h x w), no GPU
// involved: specialise (resolve routing) -> shapes (symbolic N) -> fuse -> schedule -> memory plan ->
// kernels, each generated kernel described with its arena offsets per unit of N. The compiled engine only
// uploads and dispatches what compileShapeClass returns. Fusion, the schedule search, memory reuse and the
// conv kernels are switches (CompileOptions; the engine's optimizations, src/runtime/optimizations.ts).
import type { Analysis } from './analysis.js';
import { convOutputSize, type ConvKernelSpec, type GeneratedKernel } from './codegen/conv-kernel.js';
import { convVariantKernel, defaultConvVariant, weightLayout, type ConvVariant } from './codegen/conv-variant.js';
import { DIRECT_CONV } from './codegen/direct-conv-kernel.js';
import { depthToSpaceKernel, elementwiseKernel, gatherLRKernel, storeHRKernel } from './codegen/unfused-kernels.js';
import { winogradCandidates, winogradWeights } from './codegen/winograd-conv-kernel.js';
import { srTailKernel, type SRTailKernelSpec } from './codegen/sr-tail-kernel.js';
import { blockedWeights } from './codegen/weight-layout.js';
import { elementBytes as bytesPerElement, type KernelParams, type Precision } from './codegen/wgsl-common.js';
import { convToFusedConv, FUSED_CONV, FUSED_TAIL, fuseGraph } from './passes/fuse.js';
import { planMemory, planMemoryWithoutReuse, tensorLifetimes, type MemoryPlan } from './passes/memory-plan.js';
import { inferPathShapes, shapeOf, type ShapeMap } from './passes/path-shapes.js';
import { scheduleForMemory } from './passes/schedule.js';
import { specializeForShape } from './passes/specialize.js';
import { dimConst, dimSym, dimValue } from './symbolic-dim.js';
import { attrInt, attrInts, attrString, type Graph, type Model, type Node } from '../onnx/graph.js';

export { shapeOf };

export interface ShapeClass { path: number; patchH: number; patchW: number }
export const shapeClassKey = (c: ShapeClass): string => `${c.path}:${c.patchW}x${c.patchH}`;

/** Specialise -> shapes: one shape class's routed path (no If left) and every tensor's shape, N symbolic or given. */
export interface SpecializedPath {
  graph: Graph;
  shapes: ShapeMap;
  analysis: Analysis;
  input: string;
  output: string;
}

export function specializeShapeClass(model: Model, cls: ShapeClass, halo: number, batch: number | 'N' = 'N'): SpecializedPath {
  const H = cls.patchH + 2 * halo, W = cls.patchW + 2 * halo;
  const input = model.graph.inputs[0].name;
  const output = model.graph.outputs[0].name;
  const { graph, analysis } = specializeForShape(model, { [input]: [batch, 3, H, W] });
  const shapes = inferPathShapes(graph, { [input]: [batch === 'N' ? dimSym('N') : dimConst(batch), dimConst(3), dimConst(H), dimConst(W)] });
  return { graph, shapes, analysis, input, output };
}

/** Every float initializer of the model in one array (one GPU buffer), with element offsets; `winograd`: the ones stored transformed. */
export interface WeightPack { data: Float32Array; offsets: Map<string, number>; winograd: ReadonlySet<string> }

/**
 * Every float initializer, in the generated kernels' blocked layout (../compiler/codegen/weight-layout.ts); offsets in
 * elements, multiples of 4. The 3x3 weights named in `winograd` are stored only as Winograd U = G g G^T (what a
 * Winograd kernel reads: one copy per weight, so the pack does not grow by the direct copy as well).
 */
export function packWeights(graph: Graph, winograd: ReadonlySet<string> = new Set()): WeightPack {
  const offsets = new Map<string, number>();
  const parts: Float32Array[] = [];
  let total = 0;
  for (const [name, t] of graph.initializers) {
    if (t.dtype !== 'float32') continue;
    const blocked = (winograd.has(name) ? winogradWeights : blockedWeights)(t.dims, t.data as Float32Array);
    offsets.set(name, total);
    parts.push(blocked);
    total += blocked.length;
  }
  const data = new Float32Array(Math.max(4, total));
  let at = 0;
  for (const p of parts) { data.set(p, at); at += p.length; }
  return { data, offsets, winograd: new Set([...winograd].filter((n) => offsets.has(n))) };
}

/** The weights the plans' Winograd layers read (pack them with packWeights(graph, this set)). */
export function winogradWeightNames(plans: readonly ShapeClassPlan[]): Set<string> {
  return new Set(plans.flatMap((p) => p.kernels.flatMap((k) => (k.weights?.layout === 'winograd' ? [k.weights.name] : []))));
}

/** A kernel plus how to fill its Params for `count` patches. */
export interface PlannedKernel {
  /** conv: a FusedConv; tail: writes the HR output (the fused SR tail, or the unfused store); op: any other unfused operator */
  kind: 'conv' | 'tail' | 'op';
  /** generated WGSL for the given tail output mode (conv kernels ignore it) */
  generate(output: 'texture' | 'float'): GeneratedKernel;
  /** reads the LR frame texture (binds lr + origins) */
  readsLR: boolean;
  params(count: number): KernelParams;
  /** multiply-accumulates per patch (for GFLOP/s) */
  macsPerPatch: number;
  /** the conv layer as generated (conv kernels only): what a tiling tuner times */
  convSpec?: ConvKernelSpec;
  /** how the conv layer is generated (conv kernels only): a GEMM tiling or a Winograd one */
  convVariant?: ConvVariant;
  /** the conv weight and the layout its kernel reads (conv kernels only) */
  weights?: { name: string; layout: 'direct' | 'winograd' };
}

export interface ShapeClassPlan {
  shapeClass: ShapeClass;
  /** node descriptions of the fused, scheduled graph (for docs and tests) */
  fusedOps: string[];
  kernels: PlannedKernel[];
  memory: MemoryPlan;
  /** bytes per element in the arena and weights */
  elementBytes: number;
}

export interface CompileOptions {
  /** the conv variant per layer (tests try every candidate; a tuner may pick); before `conv` and `winograd` */
  convTiling?: (spec: ConvKernelSpec) => ConvVariant | undefined;
  /** operator fusion (default on); off: one kernel per ONNX operator, the LR patches gathered into the arena */
  fusion?: boolean;
  /** the exhaustive schedule search for peak memory (default on); off: the graph's own order */
  schedule?: boolean;
  /** tensors share arena bytes by lifetime (default on); off: every tensor its own region */
  memoryReuse?: boolean;
  /** conv kernels without a convTiling choice: implicit GEMM (default) or direct */
  conv?: 'gemm' | 'direct';
  /** Winograd (the first tiling that fits) for the convs it serves, before `conv` (default off) */
  winograd?: boolean;
}

function constVector(graph: Graph, name: string): number[] | null {
  if (!name) return null;
  const t = graph.initializers.get(name);
  if (!t) throw new Error(`'${name}' must be a constant initializer`);
  return Array.from(t.data as Float32Array);
}

export function compileShapeClass(model: Model, cls: ShapeClass, scale: number, halo: number, weights: WeightPack, precision: Precision, options: CompileOptions = {}): ShapeClassPlan {
  const { graph: path, shapes, analysis, input, output } = specializeShapeClass(model, cls, halo);
  const fusion = options.fusion ?? true;
  // windows of the exhaustive schedule search end where a shape is not a constant (none in an SR path)
  const barriers = new Set([...analysis.tensors].filter(([, t]) => !t.shape || t.shape.includes(null)).map(([name]) => name));
  // unfused, Conv only changes its representation (FusedConv with nothing fused: the kernels' one conv form)
  const fused = fusion ? fuseGraph(path, shapes) : convToFusedConv(path);
  const unfusable = fusion && fused.nodes.find((n) => n.opType !== 'FusedConv' && n.opType !== 'FusedSRTail');
  if (unfusable) throw new Error(`compiled engine: '${unfusable.name}' (${unfusable.opType}) did not fuse; this model is not an exported SR path`);

  const elementBytes = bytesPerElement(precision);
  // unfused, the LR input and the HR output live in the arena too (gathered first, stored from last)
  const inArena = (t: string) => !fused.initializers.has(t) && (!fusion || (t !== input && t !== output));
  // channel-blocked [N][ceil(C/4)][H][W] x 4 (codegen/wgsl-common.ts): channels padded to a multiple of 4
  const dims = (t: string) => {
    const [, c, h, w] = shapeOf(shapes, t).map((d) => dimValue(d));
    if (c == null || h == null || w == null) throw new Error(`'${t}' has no constant [C, H, W] per patch; the compiled engine plans only fixed shapes`);
    return [c, h, w];
  };
  const bytes = (t: string) => {
    if (!inArena(t)) return 0;
    const [c, h, w] = dims(t);
    return elementBytes * 4 * Math.ceil(c / 4) * h * w;
  };
  const scheduled = options.schedule ?? true ? scheduleForMemory(fused, bytes, { barriers }).order : fused.nodes;
  const gather: Node = { name: 'gather_lr', opType: 'GatherLR', domain: '', inputs: [], outputs: [input], attributes: {} };
  const store: Node = { name: 'store_hr', opType: 'StoreHR', domain: '', inputs: [output], outputs: [], attributes: {} };
  const order = fusion ? scheduled : [gather, ...scheduled, store];
  const lifetimes = tensorLifetimes(order, bytes, inArena);
  const memory = options.memoryReuse ?? true ? planMemory(lifetimes) : planMemoryWithoutReuse(lifetimes);
  // arena offsets in vec4 units (the planner aligns to 16 bytes, a multiple of every unit size)
  const unitElems = (t: string) => memory.offsets.get(t)! / (4 * elementBytes);
  const wOff = (t: string) => weights.offsets.get(t)!;

  const kernels = order.map((node): PlannedKernel => {
    switch (node.opType) {
      case 'FusedConv': return convStep(node);
      case 'FusedSRTail': return tailStep(node);
      case 'StoreHR': return storeStep();
      default: return opStep(node);
    }
  });
  return { shapeClass: cls, fusedOps: order.map(describe), kernels, memory, elementBytes };

  /** An unfused operator on the arena: params inOff (first input), resOff (second), outOff; sizes of input and output. */
  function opStep(node: Node): PlannedKernel {
    const out = node.outputs[0];
    const [c, outH, outW] = dims(out);
    const [a, b] = node.inputs;
    const [inH, inW] = node.opType === 'GatherLR' ? [outH, outW] : dims(a).slice(1);
    let kernel: GeneratedKernel;
    switch (node.opType) {
      case 'GatherLR': kernel = gatherLRKernel(halo, outH, outW, precision); break;
      case 'Relu': kernel = elementwiseKernel({ op: 'relu' }, c, outH, outW, precision); break;
      case 'Add': case 'Sub': {
        const constant = fused.initializers.get(b);
        // generated: x +/- a per-channel constant [1, C, 1, 1], and the sum of two tensors of one shape (no broadcast)
        if (constant ? constant.dims.length !== 4 || constant.data.length !== c : node.opType === 'Sub' || dims(b).join() !== dims(a).join()) {
          throw new Error(`${node.name}: only ${node.opType} of a per-channel constant [1, ${c}, 1, 1]${node.opType === 'Add' ? ' or of two tensors of one shape' : ''} is generated`);
        }
        kernel = constant
          ? elementwiseKernel({ op: node.opType === 'Add' ? 'add-constant' : 'sub-constant', constant: Array.from(constant.data as Float32Array) }, c, outH, outW, precision)
          : elementwiseKernel({ op: 'add' }, c, outH, outW, precision);
        break;
      }
      case 'DepthToSpace': {
        if (attrString(node, 'mode', 'DCR') !== 'CRD') throw new Error(`${node.name}: only DepthToSpace mode CRD is generated`);
        kernel = depthToSpaceKernel(c, attrInt(node, 'blocksize', 1), inH, inW, precision);
        break;
      }
      default: throw new Error(`compiled engine: op ${node.opType} (${node.name}) has no unfused kernel`);
    }
    const second = b && !fused.initializers.has(b) ? b : '';
    return {
      kind: 'op', readsLR: node.opType === 'GatherLR',
      generate: () => kernel,
      params: (n) => ({
        inOff: node.opType === 'GatherLR' ? 0 : unitElems(a) * n, resOff: second ? unitElems(second) * n : 0, outOff: unitElems(out) * n,
        wOff: 0, bOff: 0, wOffB: 0, bOffB: 0, count: n, inH, inW, outH, outW,
      }),
      macsPerPatch: 0,
    };
  }

  /** The HR output in the arena -> the centre crops (texture or float). */
  function storeStep(): PlannedKernel {
    const [, inH, inW] = dims(output);
    return {
      kind: 'tail', readsLR: true,
      generate: (out) => storeHRKernel(scale, halo, cls.patchH, cls.patchW, precision, out),
      params: (n) => ({ inOff: unitElems(output) * n, resOff: 0, outOff: 0, wOff: 0, bOff: 0, wOffB: 0, bOffB: 0, count: n, inH, inW, outH: scale * cls.patchH, outW: scale * cls.patchW }),
      macsPerPatch: 0,
    };
  }

  function convStep(node: Node): PlannedKernel {
    const x = node.inputs[FUSED_CONV.x];
    const w = fused.initializers.get(node.inputs[FUSED_CONV.w])!;
    const [inC, inH, inW] = shapeOf(shapes, x).slice(1).map((d) => dimValue(d)!);
    const pads = attrInts(node, 'pads')!;
    if (w.dims[2] !== w.dims[3] || pads.some((p) => p !== pads[0])) throw new Error(`${node.name}: only square kernels with equal pads are generated`);
    // unfused, the LR patches are in the arena (gathered first)
    const readsLR = fusion && x === input;
    const spec: ConvKernelSpec = {
      cin: inC, cout: w.dims[0], k: w.dims[2], pad: pads[0], inH, inW,
      relu: attrInt(node, 'relu', 0) === 1, residual: !!node.inputs[FUSED_CONV.residual],
      shift: constVector(fused, node.inputs[FUSED_CONV.shift]), input: readsLR ? { kind: 'lr', halo } : { kind: 'arena' }, precision,
    };
    const res = node.inputs[FUSED_CONV.residual];
    const [outH, outW] = convOutputSize(spec);
    const outShape = shapeOf(shapes, node.outputs[0]).slice(1).map((d) => dimValue(d)!);
    const variant = options.convTiling?.(spec) ?? (options.winograd ? winogradCandidates(spec)[0] : undefined)
      ?? (options.conv === 'direct' ? DIRECT_CONV : defaultConvVariant(spec));
    const wName = node.inputs[FUSED_CONV.w];
    const layout = weightLayout(variant);
    return {
      kind: 'conv', readsLR, convSpec: spec, convVariant: variant, weights: { name: wName, layout },
      generate: () => convVariantKernel(spec, variant),
      params: (n) => {
        // the pack's layout of this weight must be the one the kernel reads (a Winograd kernel on OIHW weights computes garbage)
        if (weights.winograd.has(wName) !== (layout === 'winograd')) {
          throw new Error(`${node.name}: its ${layout} kernel reads '${wName}', packed ${weights.winograd.has(wName) ? 'winograd' : 'direct'}; pack with packWeights(graph, winogradWeightNames(plans))`);
        }
        return {
          inOff: readsLR ? 0 : unitElems(x) * n, outOff: unitElems(node.outputs[0]) * n, resOff: res ? unitElems(res) * n : 0,
          wOff: wOff(wName), bOff: wOff(node.inputs[FUSED_CONV.b]), wOffB: 0, bOffB: 0, count: n,
          inH, inW, outH, outW,
        };
      },
      macsPerPatch: outShape[0] * outShape[1] * outShape[2] * inC * w.dims[2] * w.dims[3],
    };
  }

  function tailStep(node: Node): PlannedKernel {
    const i = node.inputs;
    if (i[FUSED_TAIL.xB] !== input || i[FUSED_TAIL.xA] === input) throw new Error(`${node.name}: the SR tail must read features (A) and the LR input (B)`);
    const wA = fused.initializers.get(i[FUSED_TAIL.wA])!, wB = fused.initializers.get(i[FUSED_TAIL.wB])!;
    for (const [w, pads] of [[wA, attrInts(node, 'pads_a')!], [wB, attrInts(node, 'pads_b')!]] as const) {
      if (pads.some((p) => p !== (w.dims[2] - 1) / 2)) throw new Error(`${node.name}: tail convs must be 'same'-padded`);
    }
    if (attrInt(node, 'blocksize', 1) !== scale) throw new Error(`${node.name}: blocksize ${attrInt(node, 'blocksize', 1)} but the pack's scale is ${scale}`);
    const base: Omit<SRTailKernelSpec, 'output'> = {
      features: wA.dims[1], scale, patchH: cls.patchH, patchW: cls.patchW, halo, tailK: wA.dims[2], skipK: wB.dims[2],
      lrShift: constVector(fused, i[FUSED_TAIL.shiftB]), outBias: constVector(fused, i[FUSED_TAIL.outBias])!, precision,
    };
    if (i[FUSED_TAIL.shiftA]) throw new Error(`${node.name}: a shifted feature input is not generated`);
    return {
      kind: 'tail', readsLR: true,
      generate: (output) => srTailKernel({ ...base, output }),
      params: (n) => ({
        inOff: unitElems(i[FUSED_TAIL.xA]) * n, outOff: 0, resOff: 0,
        wOff: wOff(i[FUSED_TAIL.wA]), bOff: wOff(i[FUSED_TAIL.bA]), wOffB: wOff(i[FUSED_TAIL.wB]), bOffB: wOff(i[FUSED_TAIL.bB]), count: n,
        inH: cls.patchH + 2 * halo, inW: cls.patchW + 2 * halo, outH: cls.patchH, outW: cls.patchW,
      }),
      macsPerPatch: cls.patchH * cls.patchW * wA.dims[0] * (wA.dims[1] * wA.dims[2] * wA.dims[3] + 3 * wB.dims[2] * wB.dims[3]),
    };
  }
}

function describe(n: Node): string {
  if (n.opType !== 'FusedConv') return n.opType;
  const extras = [attrInt(n, 'relu', 0) ? 'relu' : '', n.inputs[FUSED_CONV.residual] ? 'residual' : '', n.inputs[FUSED_CONV.shift] ? 'shift' : ''].filter(Boolean);
  return `FusedConv${extras.length ? `(${extras.join(',')})` : ''}`;
}

// Operator fusion for a specialised SR path (paper section 2.3), graph in -> graph out. Stages, in order:
// Conv -> FusedConv; fold a constant per-channel Sub (the mean) into the convs that read it; tail conv +
// skip conv + Add + DepthToSpace + constant Add -> FusedSRTail (writes HR pixels); Conv+Relu; Conv+Add
// (residual). Every fusion is justified by (symbolic) shape equality, so it stays legal with symbolic N.
import { attr } from '../../onnx/graph-builder.js';
import { attrInt, attrInts, attrString, type Graph, type Node } from '../../onnx/graph.js';
import { dimValue } from '../symbolic-dim.js';
import { FUSED_CONV, FUSED_DOMAIN, FUSED_TAIL } from '../ops/fused.js';
import { sameShape, shapeOf, type ShapeMap } from './path-shapes.js';

export { FUSED_CONV, FUSED_DOMAIN, FUSED_TAIL } from '../ops/fused.js';

interface Uses { consumers: Map<string, Node[]>; outputs: Set<string> }

function uses(graph: Graph): Uses {
  const consumers = new Map<string, Node[]>();
  for (const n of graph.nodes) for (const i of n.inputs) if (i) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  return { consumers, outputs: new Set(graph.outputs.map((o) => o.name)) };
}

/** The tensor's only consumer, when it has exactly one and is not a graph output. */
function soleConsumer(u: Uses, tensor: string): Node | undefined {
  const c = u.consumers.get(tensor) ?? [];
  return c.length === 1 && !u.outputs.has(tensor) ? c[0] : undefined;
}

function producerMap(graph: Graph): Map<string, Node> {
  return new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as [string, Node])));
}

/** A constant initializer of shape [1, C, 1, 1] (a per-channel value broadcast over N, H, W). */
function isChannelConstant(graph: Graph, name: string, channels: number | undefined): boolean {
  const t = graph.initializers.get(name);
  return !!t && t.dtype === 'float32' && t.dims.length === 4 && t.dims[0] === 1 && t.dims[2] === 1 && t.dims[3] === 1
    && (channels === undefined || t.dims[1] === channels);
}

function withNodes(graph: Graph, nodes: Node[]): Graph { return { ...graph, nodes }; }

/** Stage 1: plain stride-1 ungrouped Convs become FusedConv with no extras. */
export function convToFusedConv(graph: Graph): Graph {
  return withNodes(graph, graph.nodes.map((n) => {
    const plain = n.opType === 'Conv' && (attrInt(n, 'group', 1) === 1) && (attrInts(n, 'strides') ?? [1, 1]).every((s) => s === 1)
      && (attrInts(n, 'dilations') ?? [1, 1]).every((d) => d === 1) && attrString(n, 'auto_pad', 'NOTSET') === 'NOTSET';
    if (!plain) return n;
    const [x, w, b] = n.inputs;
    return { ...n, opType: 'FusedConv', domain: FUSED_DOMAIN, inputs: [x, w, b ?? '', '', ''],
      attributes: { pads: attr.ints(attrInts(n, 'pads') ?? [0, 0, 0, 0]), relu: attr.int(0) } };
  }));
}

/** Stage 2: Sub(x, c) with c a [1,C,1,1] constant read only by FusedConvs without a shift -> the shift input of each. */
export function foldInputShift(graph: Graph, shapes: ShapeMap): Graph {
  const u = uses(graph);
  const folded = new Map<string, { x: string; shift: string }>();
  for (const n of graph.nodes) {
    if (n.opType !== 'Sub' || u.outputs.has(n.outputs[0])) continue;
    const [x, c] = n.inputs;
    const xs = shapeOf(shapes, x);
    if (xs.length !== 4 || !isChannelConstant(graph, c, dimValue(xs[1]))) continue;
    const readers = u.consumers.get(n.outputs[0]) ?? [];
    if (readers.length > 0 && readers.every((r) => r.opType === 'FusedConv' && r.inputs[FUSED_CONV.x] === n.outputs[0] && !r.inputs[FUSED_CONV.shift])) {
      folded.set(n.outputs[0], { x, shift: c });
    }
  }
  return withNodes(graph, graph.nodes.filter((n) => !folded.has(n.outputs[0])).map((n) => {
    const f = n.opType === 'FusedConv' ? folded.get(n.inputs[FUSED_CONV.x]) : undefined;
    if (!f) return n;
    const inputs = [...n.inputs];
    inputs[FUSED_CONV.x] = f.x;
    inputs[FUSED_CONV.shift] = f.shift;
    return { ...n, inputs };
  }));
}

const isBareConv = (n: Node | undefined): n is Node =>
  !!n && n.opType === 'FusedConv' && !n.inputs[FUSED_CONV.residual] && attrInt(n, 'relu', 0) === 0;

/** Stage 3: Add(DepthToSpace_CRD(Add(convA, convB)), c) -> one FusedSRTail writing the HR output. */
export function fuseSRTail(graph: Graph, shapes: ShapeMap): Graph {
  const u = uses(graph);
  const producer = producerMap(graph);
  const removed = new Set<Node>();
  const replaced = new Map<Node, Node>();
  for (const outAdd of graph.nodes) {
    if (outAdd.opType !== 'Add') continue;
    const d2s = producer.get(outAdd.inputs[0]);
    const bias = outAdd.inputs[1];
    if (!d2s || d2s.opType !== 'DepthToSpace' || attrString(d2s, 'mode', 'DCR') !== 'CRD' || soleConsumer(u, d2s.outputs[0]) !== outAdd) continue;
    const outShape = shapeOf(shapes, outAdd.outputs[0]);
    if (!isChannelConstant(graph, bias, dimValue(outShape[1])) || !sameShape(outShape, shapeOf(shapes, d2s.outputs[0]))) continue;
    const sum = producer.get(d2s.inputs[0]);
    if (!sum || sum.opType !== 'Add' || soleConsumer(u, sum.outputs[0]) !== d2s) continue;
    const [a, b] = sum.inputs.map((t) => producer.get(t));
    if (!isBareConv(a) || !isBareConv(b) || a === b) continue;
    if (soleConsumer(u, a.outputs[0]) !== sum || soleConsumer(u, b.outputs[0]) !== sum) continue;
    // the two convs must cover the same index space for the add to be elementwise (no broadcast)
    if (!sameShape(shapeOf(shapes, a.outputs[0]), shapeOf(shapes, b.outputs[0]))) continue;
    for (const n of [a, b, sum, d2s]) removed.add(n);
    replaced.set(outAdd, {
      name: `${outAdd.name}/fused_tail`, opType: 'FusedSRTail', domain: FUSED_DOMAIN, outputs: outAdd.outputs,
      inputs: [a.inputs[0], a.inputs[1], a.inputs[2], a.inputs[FUSED_CONV.shift], b.inputs[0], b.inputs[1], b.inputs[2], b.inputs[FUSED_CONV.shift], bias],
      attributes: { pads_a: a.attributes.pads, pads_b: b.attributes.pads, blocksize: attr.int(attrInt(d2s, 'blocksize', 1)) },
    });
  }
  return withNodes(graph, graph.nodes.filter((n) => !removed.has(n)).map((n) => replaced.get(n) ?? n));
}

/** Stage 4: Relu(FusedConv) -> FusedConv relu=1 when the conv output feeds only the Relu. */
export function fuseRelu(graph: Graph): Graph {
  const u = uses(graph);
  const producer = producerMap(graph);
  const into = new Map<Node, Node>();
  for (const r of graph.nodes) {
    if (r.opType !== 'Relu') continue;
    const conv = producer.get(r.inputs[0]);
    if (isBareConv(conv) && soleConsumer(u, conv.outputs[0]) === r) into.set(r, conv);
  }
  const convs = new Set(into.values());
  return withNodes(graph, graph.nodes.filter((n) => !convs.has(n)).map((n) => {
    const conv = into.get(n);
    return conv ? { ...conv, name: `${conv.name}+relu`, outputs: n.outputs, attributes: { ...conv.attributes, relu: attr.int(1) } } : n;
  }));
}

/** Stage 5: Add(FusedConv, r) -> FusedConv with residual r, when both operands have the same (symbolic) shape. */
export function fuseResidualAdd(graph: Graph, shapes: ShapeMap): Graph {
  const u = uses(graph);
  const producer = producerMap(graph);
  const into = new Map<Node, { conv: Node; residual: string }>();
  const taken = new Set<Node>();
  for (const add of graph.nodes) {
    if (add.opType !== 'Add') continue;
    for (const k of [1, 0]) {
      const conv = producer.get(add.inputs[k]);
      const residual = add.inputs[1 - k];
      if (!conv || conv.opType !== 'FusedConv' || conv.inputs[FUSED_CONV.residual] || taken.has(conv)) continue;
      if (soleConsumer(u, conv.outputs[0]) !== add || residual === conv.outputs[0]) continue;
      if (!sameShape(shapeOf(shapes, conv.outputs[0]), shapeOf(shapes, residual))) continue;
      into.set(add, { conv, residual });
      taken.add(conv);
      break;
    }
  }
  return withNodes(graph, graph.nodes.filter((n) => !taken.has(n)).map((n) => {
    const f = into.get(n);
    if (!f) return n;
    const inputs = [...f.conv.inputs];
    inputs[FUSED_CONV.residual] = f.residual;
    return { ...f.conv, name: `${f.conv.name}+add`, outputs: n.outputs, inputs };
  }));
}

/** All fusion stages in order; `shapes` holds every tensor's shape in the unfused graph. */
export function fuseGraph(graph: Graph, shapes: ShapeMap): Graph {
  let g = convToFusedConv(graph);
  g = foldInputShift(g, shapes);
  g = fuseSRTail(g, shapes);
  g = fuseRelu(g);
  return fuseResidualAdd(g, shapes);
}

// Stopgap until the analysis-driven specialisation (./specialize.ts) lands: resolves the exported model's
// routing (Shape -> Gather -> Less/Greater -> If, nested) for one concrete input shape by constant folding,
// and inlines the chosen branch, leaving one straight-line path. Anything else that is not constant throws.
import { attrGraph, attrInt, type Graph, type Model, type Node, type Tensor } from '../../onnx/graph.js';

type Value = bigint[] | boolean;

function tensorValue(t: Tensor): bigint[] | undefined {
  if (t.dtype !== 'int64' || !(t.data instanceof BigInt64Array)) return undefined;
  return Array.from(t.data);
}

export function inlineRoutedPath(model: Model, inputName: string, inputDims: number[]): Graph {
  let nodes = [...model.graph.nodes];
  const values = new Map<string, Value>();
  for (;;) {
    const next: Node[] = [];
    let changed = false;
    for (const n of nodes) {
      const v = (i: number) => values.get(n.inputs[i]) ?? (model.graph.initializers.get(n.inputs[i]) && tensorValue(model.graph.initializers.get(n.inputs[i])!));
      if (n.opType === 'Shape' && n.inputs[0] === inputName) { values.set(n.outputs[0], inputDims.map(BigInt)); continue; }
      if (n.opType === 'Constant' && n.attributes.value?.type === 'tensor') {
        const t = tensorValue(n.attributes.value.value);
        if (t) { values.set(n.outputs[0], t); continue; }
      }
      if (n.opType === 'Gather' && attrInt(n, 'axis', 0) === 0) {
        const [data, idx] = [v(0), v(1)];
        if (Array.isArray(data) && Array.isArray(idx) && idx.length === 1) { values.set(n.outputs[0], [data[Number(idx[0])]]); continue; }
      }
      if (n.opType === 'Less' || n.opType === 'Greater') {
        const [a, b] = [v(0), v(1)];
        if (Array.isArray(a) && Array.isArray(b) && a.length === 1 && b.length === 1) {
          values.set(n.outputs[0], n.opType === 'Less' ? a[0] < b[0] : a[0] > b[0]);
          continue;
        }
      }
      if (n.opType === 'If' && typeof values.get(n.inputs[0]) === 'boolean') {
        const branch = attrGraph(n, values.get(n.inputs[0]) ? 'then_branch' : 'else_branch')!;
        const out = branch.outputs[0].name;
        next.push(...branch.nodes.map((b) => ({ ...b, outputs: b.outputs.map((o) => (o === out ? n.outputs[0] : o)) })));
        changed = true;
        continue;
      }
      next.push(n);
    }
    nodes = next;
    if (!changed) break;
  }
  const leftover = nodes.find((n) => ['If', 'Shape', 'Gather', 'Less', 'Greater'].includes(n.opType));
  if (leftover) throw new Error(`routing node '${leftover.name}' (${leftover.opType}) does not fold for input ${inputName}=[${inputDims}]`);
  return { ...model.graph, nodes };
}

// Reads and writes ONNX ModelProto bytes (official schema via onnx-proto/protobufjs) to and from the graph IR.
import onnxProto from 'onnx-proto';
import type { Attribute, DataType, Graph, Model, Node, Tensor, TensorArray, ValueInfo, DeclaredDim } from './graph.js';

const { onnx } = onnxProto;
type Long = { low: number; high: number; unsigned: boolean; toNumber(): number };

// ONNX TensorProto.DataType codes
const dtypeByCode: Record<number, DataType> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64',
  8: 'string', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64',
};
const codeByDtype = Object.fromEntries(Object.entries(dtypeByCode).map(([k, v]) => [v, Number(k)])) as Record<DataType, number>;

export function dtypeFromCode(code: number): DataType {
  const t = dtypeByCode[code];
  if (!t) throw new Error(`unsupported ONNX data type code ${code}`);
  return t;
}
export function dtypeToCode(dtype: DataType): number { return codeByDtype[dtype]; }

function toNum(v: number | Long | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

export function elementCount(dims: number[]): number { return dims.reduce((a, b) => a * b, 1); }

/** Allocate an empty typed array for a dtype. */
export function allocTensorArray(dtype: DataType, n: number): TensorArray {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'float16': case 'uint16': return new Uint16Array(n);
    case 'int8': return new Int8Array(n);
    case 'int16': return new Int16Array(n);
    case 'int32': return new Int32Array(n);
    case 'int64': return new BigInt64Array(n);
    case 'uint8': case 'bool': return new Uint8Array(n);
    case 'uint32': return new Uint32Array(n);
    case 'uint64': return new BigUint64Array(n);
    case 'string': return new Array<string>(n).fill('');
  }
}

function fromRaw(dtype: DataType, raw: Uint8Array, n: number): TensorArray {
  const out = allocTensorArray(dtype, n);
  if (Array.isArray(out)) throw new Error('string tensors cannot use raw_data');
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  bytes.set(raw.subarray(0, bytes.byteLength));
  return out;
}

function readTensor(t: InstanceType<typeof onnx.TensorProto>): Tensor {
  const dtype = dtypeFromCode(t.dataType);
  const dims = t.dims.map(toNum);
  const n = elementCount(dims);
  let data: TensorArray;
  if (t.rawData && t.rawData.length > 0) data = fromRaw(dtype, t.rawData, n);
  else {
    data = allocTensorArray(dtype, n);
    const src: ArrayLike<number | Long> =
      dtype === 'float32' ? t.floatData : dtype === 'float64' ? t.doubleData : dtype === 'int64' ? t.int64Data
        : dtype === 'uint64' || dtype === 'uint32' ? t.uint64Data : t.int32Data;
    if (dtype === 'string') data = t.stringData.map((s) => new TextDecoder().decode(s));
    else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
      for (let i = 0; i < n && i < src.length; i++) {
        const v = src[i];
        data[i] = typeof v === 'number' ? BigInt(v) : BigInt.asIntN(64, (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0));
      }
    } else for (let i = 0; i < n && i < src.length; i++) (data as Float32Array)[i] = toNum(src[i]);
  }
  return { name: t.name, dtype, dims, data };
}

function writeTensor(t: Tensor): InstanceType<typeof onnx.TensorProto> {
  const p = onnx.TensorProto.create({ name: t.name, dataType: dtypeToCode(t.dtype), dims: t.dims });
  if (Array.isArray(t.data)) p.stringData = t.data.map((s) => new TextEncoder().encode(s));
  else p.rawData = new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));
  return p;
}

function readValueInfo(v: InstanceType<typeof onnx.ValueInfoProto>): ValueInfo {
  const tt = v.type?.tensorType;
  const dtype = tt?.elemType ? dtypeFromCode(tt.elemType) : 'float32';
  let shape: DeclaredDim[] | null = null;
  if (tt?.shape) {
    // `value` is protobufjs's oneof discriminator: which of dim_value / dim_param is set
    shape = (tt.shape.dim ?? []).map((d) => {
      const which = (d as { value?: string }).value;
      return which === 'dimParam' ? (d.dimParam ?? null) : which === 'dimValue' ? toNum(d.dimValue) : null;
    });
  }
  return { name: v.name, dtype, shape };
}

function writeValueInfo(v: ValueInfo): InstanceType<typeof onnx.ValueInfoProto> {
  const tensorType: Record<string, unknown> = { elemType: dtypeToCode(v.dtype) };
  if (v.shape) tensorType.shape = { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})) };
  return onnx.ValueInfoProto.create({ name: v.name, type: { tensorType } });
}

function readAttribute(a: InstanceType<typeof onnx.AttributeProto>): Attribute {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.FLOAT: return { type: 'float', value: a.f };
    case T.INT: return { type: 'int', value: toNum(a.i) };
    case T.STRING: return { type: 'string', value: new TextDecoder().decode(a.s) };
    case T.TENSOR: return { type: 'tensor', value: readTensor(a.t as InstanceType<typeof onnx.TensorProto>) };
    case T.GRAPH: return { type: 'graph', value: readGraph(a.g as InstanceType<typeof onnx.GraphProto>) };
    case T.FLOATS: return { type: 'floats', value: [...a.floats] };
    case T.INTS: return { type: 'ints', value: a.ints.map(toNum) };
    case T.STRINGS: return { type: 'strings', value: a.strings.map((s) => new TextDecoder().decode(s)) };
    case T.TENSORS: return { type: 'tensors', value: a.tensors.map((t) => readTensor(t as InstanceType<typeof onnx.TensorProto>)) };
    case T.GRAPHS: return { type: 'graphs', value: a.graphs.map((g) => readGraph(g as InstanceType<typeof onnx.GraphProto>)) };
    default: throw new Error(`attribute '${a.name}' has unsupported type ${a.type}`);
  }
}

function writeAttribute(name: string, a: Attribute): InstanceType<typeof onnx.AttributeProto> {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case 'float': return onnx.AttributeProto.create({ name, type: T.FLOAT, f: a.value });
    case 'int': return onnx.AttributeProto.create({ name, type: T.INT, i: a.value });
    case 'string': return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(a.value) });
    case 'tensor': return onnx.AttributeProto.create({ name, type: T.TENSOR, t: writeTensor(a.value) });
    case 'graph': return onnx.AttributeProto.create({ name, type: T.GRAPH, g: writeGraph(a.value) });
    case 'floats': return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: a.value });
    case 'ints': return onnx.AttributeProto.create({ name, type: T.INTS, ints: a.value });
    case 'strings': return onnx.AttributeProto.create({ name, type: T.STRINGS, strings: a.value.map((s) => new TextEncoder().encode(s)) });
    case 'tensors': return onnx.AttributeProto.create({ name, type: T.TENSORS, tensors: a.value.map(writeTensor) });
    case 'graphs': return onnx.AttributeProto.create({ name, type: T.GRAPHS, graphs: a.value.map(writeGraph) });
  }
}

function readGraph(g: InstanceType<typeof onnx.GraphProto>): Graph {
  const nodes: Node[] = g.node.map((n, i) => ({
    name: n.name || `${n.opType}_${i}`,
    opType: n.opType ?? '',
    domain: n.domain ?? '',
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    attributes: Object.fromEntries((n.attribute ?? []).map((a) => [a.name, readAttribute(a as InstanceType<typeof onnx.AttributeProto>)])),
  }));
  const initializers = new Map<string, Tensor>();
  for (const t of g.initializer ?? []) initializers.set(t.name ?? '', readTensor(t as InstanceType<typeof onnx.TensorProto>));
  return {
    name: g.name,
    nodes,
    // ONNX lets initializers also be listed as inputs (IR < 4); they are not real inputs.
    inputs: g.input.filter((v) => !initializers.has(v.name ?? '')).map((v) => readValueInfo(v as InstanceType<typeof onnx.ValueInfoProto>)),
    outputs: g.output.map((v) => readValueInfo(v as InstanceType<typeof onnx.ValueInfoProto>)),
    initializers,
    valueInfo: g.valueInfo.map((v) => readValueInfo(v as InstanceType<typeof onnx.ValueInfoProto>)),
  };
}

function writeGraph(g: Graph): InstanceType<typeof onnx.GraphProto> {
  return onnx.GraphProto.create({
    name: g.name,
    node: g.nodes.map((n) => onnx.NodeProto.create({
      name: n.name, opType: n.opType, domain: n.domain, input: n.inputs, output: n.outputs,
      attribute: Object.entries(n.attributes).map(([k, a]) => writeAttribute(k, a)),
    })),
    input: g.inputs.map(writeValueInfo),
    output: g.outputs.map(writeValueInfo),
    initializer: [...g.initializers.values()].map(writeTensor),
    valueInfo: g.valueInfo.map(writeValueInfo),
  });
}

/** Parse ONNX bytes. Throws a clear error for bytes that are not an ONNX model. */
export function readModel(bytes: Uint8Array): Model {
  let m: InstanceType<typeof onnx.ModelProto>;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new Error(`not an ONNX model (protobuf decode failed: ${(e as Error).message})`);
  }
  if (!m.graph) throw new Error('not an ONNX model: it has no graph');
  return {
    irVersion: toNum(m.irVersion),
    opsetImports: m.opsetImport.map((o) => ({ domain: o.domain ?? '', version: toNum(o.version) })),
    producerName: m.producerName ?? '',
    producerVersion: m.producerVersion ?? '',
    graph: readGraph(m.graph as InstanceType<typeof onnx.GraphProto>),
  };
}

export function writeModel(model: Model): Uint8Array {
  const m = onnx.ModelProto.create({
    irVersion: model.irVersion,
    opsetImport: model.opsetImports.map((o) => ({ domain: o.domain, version: o.version })),
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    graph: writeGraph(model.graph),
  });
  return onnx.ModelProto.encode(m).finish();
}

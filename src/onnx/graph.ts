// The graph IR every other part of dydca uses: a typed, plain-data view of an ONNX ModelProto.
// Read and written by ./model-io.ts; built programmatically with ./graph-builder.ts.

export type DataType =
  | 'float32' | 'float16' | 'float64'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool' | 'string';

/** Typed array holding a tensor's elements. int64/uint64 use BigInt arrays; bool uses Uint8Array; float16 keeps raw bits in Uint16Array. */
export type TensorArray =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array | string[];

export interface Tensor {
  name: string;
  dtype: DataType;
  dims: number[];
  data: TensorArray;
}

/** One dimension in a declared shape: a number, a symbolic name (dim_param), or null (unknown). */
export type DeclaredDim = number | string | null;

export interface ValueInfo {
  name: string;
  dtype: DataType;
  /** null when the rank itself is unknown */
  shape: DeclaredDim[] | null;
}

export type Attribute =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: Tensor }
  | { type: 'graph'; value: Graph }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'strings'; value: string[] }
  | { type: 'tensors'; value: Tensor[] }
  | { type: 'graphs'; value: Graph[] };

export interface Node {
  /** Unique within its graph; unnamed ONNX nodes get `<op>_<index>` on import. */
  name: string;
  opType: string;
  domain: string;
  /** '' marks an omitted optional input, as in ONNX. */
  inputs: string[];
  outputs: string[];
  attributes: Record<string, Attribute>;
}

export interface Graph {
  name: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: Map<string, Tensor>;
  /** Extra value_info entries (intermediate tensors' declared types). */
  valueInfo: ValueInfo[];
}

export interface OpsetImport { domain: string; version: number }

export interface Model {
  irVersion: number;
  opsetImports: OpsetImport[];
  producerName: string;
  producerVersion: string;
  graph: Graph;
}

/** Typed attribute readers with defaults, so op code stays short. */
export function attrInt(node: Node, name: string, fallback: number): number;
export function attrInt(node: Node, name: string): number | undefined;
export function attrInt(node: Node, name: string, fallback?: number): number | undefined {
  const a = node.attributes[name];
  return a?.type === 'int' ? a.value : fallback;
}
export function attrFloat(node: Node, name: string, fallback: number): number {
  const a = node.attributes[name];
  return a?.type === 'float' ? a.value : a?.type === 'int' ? a.value : fallback;
}
export function attrInts(node: Node, name: string): number[] | undefined {
  const a = node.attributes[name];
  return a?.type === 'ints' ? a.value : undefined;
}
export function attrString(node: Node, name: string, fallback: string): string {
  const a = node.attributes[name];
  return a?.type === 'string' ? a.value : fallback;
}
export function attrGraph(node: Node, name: string): Graph | undefined {
  const a = node.attributes[name];
  return a?.type === 'graph' ? a.value : undefined;
}

// What a dynamic SR network is made of: its paths (one per patch-shape class) and the scale.
// Shared by training, export, packing and the manifest.

export interface PathSpec {
  /** path id; equals the shape-class index in patches.json */
  id: number;
  /** patch [h, w] in LR pixels that this path serves */
  patch: [number, number];
  /** residual blocks (deeper for finer, harder patches) */
  blocks: number;
  /** feature channels C */
  channels: number;
  /** WDSR-A expansion r: blocks widen to r*C */
  expansion: number;
}

export interface DynamicSRSpec {
  scale: 2 | 3 | 4;
  /** ordered from the coarsest (largest patch, shallowest) to the finest (smallest patch, deepest) */
  paths: PathSpec[];
}

/** Conv weights of every path, keyed by parameter name (e.g. `p0.head.w`), OIHW float32. */
export type Weights = Map<string, { dims: number[]; data: Float32Array }>;

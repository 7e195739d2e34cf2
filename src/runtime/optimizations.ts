// The compiled engine's optimizations, listed once: each one a switch usable alone (the player's `optimizations`
// attribute and checkboxes, the bench's ablation). `compiled`, `compiled-f16` and `compiled-naive` are presets of this set.

/** Every optimization, with its one line (the demo page shows it beside the checkbox). */
export const OPTIMIZATIONS = [
  { name: 'fusion', description: 'operator fusion: conv + bias + ReLU / residual / mean shift in one kernel, the SR tail in one (off: a kernel per ONNX operator)' },
  { name: 'static-plan', description: 'static execution plan: shapes, order and kernel parameters worked out once per shape class (off: worked out per patch group every frame)' },
  { name: 'static-memory', description: 'static memory plan: tensors share one arena by lifetime (off: every tensor its own region, nothing reused)' },
  { name: 'gemm', description: 'implicit-GEMM conv kernels with workgroup tiles (off: direct conv, one invocation per output pixel and 4 channels)' },
  { name: 'winograd', description: 'Winograd F(2x2,3x3) for the 3x3 convs on the arena where a tiling fits (off: GEMM or direct)' },
  { name: 'f16', description: 'f16 storage of activations and weights, f32 math (packed in u32 where shader-f16 is absent)' },
  { name: 'one-submit', description: "one submit per frame, recorded into the caller's encoder (off: a submit per dispatch)" },
] as const;

export type OptimizationName = (typeof OPTIMIZATIONS)[number]['name'];
export const OPTIMIZATION_NAMES: readonly OptimizationName[] = OPTIMIZATIONS.map((o) => o.name);
export type OptimizationSet = ReadonlySet<OptimizationName>;

export function isOptimizationName(v: unknown): v is OptimizationName {
  return typeof v === 'string' && (OPTIMIZATION_NAMES as readonly string[]).includes(v);
}

/** The compiled engines as presets (Winograd is off in `compiled`: slower than GEMM on the GPUs measured so far, docs/compiler-runtime.md). */
export const OPTIMIZATION_PRESETS = {
  compiled: ['fusion', 'static-plan', 'static-memory', 'gemm', 'one-submit'],
  'compiled-f16': ['fusion', 'static-plan', 'static-memory', 'gemm', 'one-submit', 'f16'],
  'compiled-naive': [],
} as const satisfies Record<string, readonly OptimizationName[]>;
export type CompiledEngineName = keyof typeof OPTIMIZATION_PRESETS;

/** Whether `engine` is one of the compiled engines (whose optimizations are switches). */
export const isCompiledEngineName = (engine: string): engine is CompiledEngineName => Object.hasOwn(OPTIMIZATION_PRESETS, engine);

/** Names in list order (so a set prints the same however it was built). */
export function optimizationList(set: ReadonlySet<string>): OptimizationName[] {
  return OPTIMIZATION_NAMES.filter((n) => set.has(n));
}

/** `all`, `none`, or a comma list of names (spaces allowed); an unknown name throws, naming the valid ones. */
export function parseOptimizations(text: string): OptimizationSet {
  const t = text.trim();
  if (t === 'all') return new Set(OPTIMIZATION_NAMES);
  if (t === 'none' || t === '') return new Set();
  const names = t.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !isOptimizationName(n));
  if (bad.length) throw new Error(`unknown optimization${bad.length > 1 ? 's' : ''} '${bad.join("', '")}'; expected all, none or a comma list of ${OPTIMIZATION_NAMES.join(', ')}`);
  return new Set(names as OptimizationName[]);
}

/** The text parseOptimizations reads back: `all`, `none` or the names in list order. */
export function formatOptimizations(set: OptimizationSet): string {
  const list = optimizationList(set);
  return list.length === OPTIMIZATION_NAMES.length ? 'all' : list.length === 0 ? 'none' : list.join(',');
}

/** The ablation: all on, all off, each one off alone, each one on alone (in that order, no duplicates). */
export function ablationConfigurations(): OptimizationName[][] {
  const all = [...OPTIMIZATION_NAMES];
  const configs = [all, [], ...all.map((n) => all.filter((m) => m !== n)), ...all.map((n) => [n])];
  const seen = new Set<string>();
  return configs.filter((c) => { const k = c.join(); if (seen.has(k)) return false; seen.add(k); return true; });
}

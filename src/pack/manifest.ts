// The pack's manifest.json (CONTRACTS.md "Pack folder") and a schema check for it. Extensions beyond
// the contract: halo, crop, hr.lossless, method, split, training, metrics.psnrLrStream (docs/packager.md).

export interface ManifestPath { id: number; patch: [number, number]; blocks: number; channels: number }

export interface PackManifest {
  format: 'dydca-pack/1';
  source: { file: string; sha256: string };
  fps: number;
  frames: number;
  scale: 2 | 3 | 4;
  /** LR context px per side for every patch (src/runtime/engine.ts) */
  halo: number;
  /** HR frames = source scaled to scaledWidth x scaledHeight, then this crop */
  crop: { scaledWidth: number; scaledHeight: number; x: number; y: number; width: number; height: number };
  lr: { width: number; height: number; file: string; codec: string };
  hr: { width: number; height: number; file: string; codec: string; lossless: boolean };
  method: 'dydca' | 'nas' | 'stdo';
  /** baselines: `files[k]` is a single-path model serving path id k; `file` = files[0] */
  model: { file: string; files?: string[]; paths: ManifestPath[] };
  patches: { file: string };
  split: { scorer: 'bicubic' | 'trained'; basePatch: number; levels: number; thresholds: number[] };
  training: { steps: number; batchSize: number; learningRate: number; seconds: number };
  metrics: {
    psnrBicubic: number; psnrSR: number; psnrSRPerFrame: number[]; psnrBicubicPerFrame: number[];
    /** PSNR of the LR frames decoded from lr.mp4 against the LR frames trained on */
    psnrLrStream: number;
  };
}

export interface PatchesFile { frames: [number, number, number, number, number][][] }

/** Every problem found in an untrusted manifest object (empty when it is valid). */
export function manifestProblems(m: unknown): string[] {
  const problems: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const need = (cond: boolean, what: string): void => { if (!cond) problems.push(what); };
  if (!isObj(m)) return ['manifest is not a JSON object'];
  need(m.format === 'dydca-pack/1', `format must be "dydca-pack/1"`);
  need(isObj(m.source) && typeof m.source.file === 'string' && /^[0-9a-f]{64}$/.test(String(m.source.sha256)), 'source must be {file, sha256 (64 hex)}');
  need(typeof m.fps === 'number' && m.fps > 0, 'fps must be a positive number');
  need(Number.isInteger(m.frames) && (m.frames as number) > 0, 'frames must be a positive integer');
  need(m.scale === 2 || m.scale === 3 || m.scale === 4, 'scale must be 2, 3 or 4');
  for (const key of ['lr', 'hr'] as const) {
    const v = m[key];
    need(isObj(v) && Number.isInteger(v.width) && Number.isInteger(v.height) && typeof v.file === 'string', `${key} must be {width, height, file, ...}`);
    need(isObj(v) && typeof v.codec === 'string' && /^avc1\.[0-9a-fA-F]{6}$/.test(v.codec), `${key}.codec must be an avc1.PPCCLL string`);
  }
  if (isObj(m.lr) && isObj(m.hr) && typeof m.scale === 'number') {
    need(m.hr.width === (m.lr.width as number) * m.scale && m.hr.height === (m.lr.height as number) * m.scale, 'hr size must be scale x lr size');
  }
  const model = m.model;
  need(isObj(model) && typeof model.file === 'string' && Array.isArray(model.paths) && model.paths.length > 0, 'model must be {file, paths: [...]}');
  if (isObj(model) && Array.isArray(model.paths)) {
    model.paths.forEach((p: unknown, i: number) => need(isObj(p) && p.id === i && Array.isArray(p.patch) && p.patch.length === 2 &&
      Number.isInteger(p.blocks) && Number.isInteger(p.channels), `model.paths[${i}] must be {id: ${i}, patch: [h, w], blocks, channels}`));
  }
  need(isObj(m.patches) && typeof m.patches.file === 'string', 'patches must be {file}');
  need(Number.isInteger(m.halo) && (m.halo as number) >= 0, 'halo must be a non-negative integer');
  const met = m.metrics;
  need(isObj(met) && typeof met.psnrSR === 'number' && typeof met.psnrBicubic === 'number', 'metrics must hold psnrSR and psnrBicubic');
  if (isObj(met)) {
    for (const k of ['psnrSRPerFrame', 'psnrBicubicPerFrame']) {
      need(Array.isArray(met[k]) && (met[k] as unknown[]).length === m.frames, `metrics.${k} must list one PSNR per frame`);
    }
  }
  return problems;
}

// The conv tuner's store in Node (./conv-tuner.ts TilingStore): one JSON file of "adapter | layer" -> tiling.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TilingStore } from './conv-tuner.js';

export function fileTilingStore(path: string): TilingStore {
  const load = (): Record<string, string> => { try { return JSON.parse(readFileSync(path, 'utf8')); } catch { return {}; } };
  return {
    get: async (k) => load()[k],
    set: async (k, v) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify({ ...load(), [k]: v }, null, 1));
    },
  };
}

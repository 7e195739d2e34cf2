// Routing resolution: each path's input height selects that path's nodes, exactly as the model's If does.
import { describe, expect, it } from 'vitest';
import { tinyModel, tinySpec } from '../../runtime/test-sr-model.js';
import { inlineRoutedPath } from './inline-routed-path.js';

describe('inlineRoutedPath', () => {
  const spec = tinySpec(2, [[32, 32, 1], [16, 16, 2], [8, 8, 3], [4, 8, 4]]);
  const model = tinyModel(spec, 1);
  it.each([[36, 0], [32, 0], [25, 0], [20, 1], [16, 1], [12, 1], [11, 2], [8, 2], [6, 2], [5, 3], [4, 3]])('height %i runs path %i', (h, path) => {
    const g = inlineRoutedPath(model, 'lr', [2, 3, h, 9]);
    expect(new Set(g.nodes.map((n) => n.name.split('/')[0]))).toEqual(new Set([`p${path}`]));
    expect(g.nodes.at(-1)!.outputs).toEqual(['hr']);
    expect(g.nodes.filter((n) => n.opType === 'Add').length).toBe(spec.paths[path].blocks + 2);
  });
});

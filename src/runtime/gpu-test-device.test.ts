// The Node WebGPU device must survive garbage collection: Dawn frees its instance when the object `create()`
// returned is collected, and that crashed or hung the Dawn test workers at random (GC timing decided when).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeNodeGpuDevice, nodeGpuDevice, randomBytes, readTexture, uploadTexture } from './gpu-test-device.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

afterAll(closeNodeGpuDevice);

describe('nodeGpuDevice', () => {
  it('keeps working after full garbage collections', async () => {
    const device = await nodeGpuDevice();
    for (let round = 0; round < 3; round++) {
      collectGarbage();
      await new Promise((r) => setTimeout(r, 20)); // let Dawn's finalisers run, as they would between tests
      const rgba = randomBytes(33 * 17 * 4, round + 1);
      const tex = uploadTexture(device, 33, 17, rgba);
      expect(await readTexture(device, tex)).toEqual(rgba);
      tex.destroy();
    }
  });

  it('closes and reopens', async () => {
    const first = await nodeGpuDevice();
    await closeNodeGpuDevice();
    const lost = await first.lost;
    expect(lost.reason).toBe('destroyed');
    const second = await nodeGpuDevice();
    expect(second).not.toBe(first);
    const tex = uploadTexture(second, 4, 4, randomBytes(64, 9));
    expect((await readTexture(second, tex)).length).toBe(64);
  });
});

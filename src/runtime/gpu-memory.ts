// Counts bytes and objects of the GPU buffers, textures and query sets a device holds, by wrapping its
// create/destroy calls. Every engine is measured the same way (the contract's peakGpuBytes / liveGpuBytes);
// the object counts let tests prove that an engine switch or a teardown destroys everything it created.

const bytesPerTexel: Record<string, number> = {
  r8unorm: 1, rg8unorm: 2, rgba8unorm: 4, 'rgba8unorm-srgb': 4, bgra8unorm: 4, 'bgra8unorm-srgb': 4,
  r16float: 2, rg16float: 4, rgba16float: 8, r32float: 4, rg32float: 8, rgba32float: 16,
  r32uint: 4, rgba32uint: 16, r32sint: 4, depth32float: 4, depth24plus: 4,
};

export function textureBytes(desc: GPUTextureDescriptor): number {
  const size = desc.size as GPUExtent3DDict | number[];
  const [w, h, d] = Array.isArray(size) ? [size[0], size[1] ?? 1, size[2] ?? 1] : [size.width, size.height ?? 1, size.depthOrArrayLayers ?? 1];
  const bpp = bytesPerTexel[desc.format] ?? 4;
  let total = 0;
  const mips = desc.mipLevelCount ?? 1;
  for (let m = 0; m < mips; m++) total += Math.max(1, w >> m) * Math.max(1, h >> m) * d * bpp;
  return total * (desc.sampleCount ?? 1);
}

/** The GPU objects that own memory and have destroy(): what a leak check counts. */
export type GpuObjectKind = 'buffer' | 'texture' | 'querySet';

export class GpuMemoryTracker {
  live = 0;
  peak = 0;
  /** buffers + textures + query sets created and not yet destroyed */
  liveObjects = 0;
  private sizes = new WeakMap<object, number>();
  /** live objects per "kind:label", for naming what leaked (counts only: no references that would keep objects alive) */
  private byLabel = new Map<string, number>();

  /** Patches `device` in place; call once per device, before any engine allocates. */
  attach(device: GPUDevice): void {
    const origBuffer = device.createBuffer.bind(device);
    const origTexture = device.createTexture.bind(device);
    const origQuerySet = device.createQuerySet.bind(device);
    device.createBuffer = (desc: GPUBufferDescriptor) => {
      const b = origBuffer(desc);
      this.track(b, 'buffer', desc.label, desc.size, () => b.destroy.bind(b), (fn) => { b.destroy = fn as GPUBuffer['destroy']; });
      return b;
    };
    device.createTexture = (desc: GPUTextureDescriptor) => {
      const t = origTexture(desc);
      this.track(t, 'texture', desc.label, textureBytes(desc), () => t.destroy.bind(t), (fn) => { t.destroy = fn as GPUTexture['destroy']; });
      return t;
    };
    device.createQuerySet = (desc: GPUQuerySetDescriptor) => {
      const q = origQuerySet(desc);
      this.track(q, 'querySet', desc.label, desc.count * 8, () => q.destroy.bind(q), (fn) => { q.destroy = fn as GPUQuerySet['destroy']; });
      return q;
    };
  }

  /** Start a new peak measurement from the current live bytes. */
  resetPeak(): void { this.peak = this.live; }

  /** Live objects by "kind:label" (unlabelled ones as "kind:"), e.g. {"buffer:compiled-weights": 1}. */
  liveObjectsByLabel(): Record<string, number> { return Object.fromEntries(this.byLabel); }

  private track(obj: object, kind: GpuObjectKind, label: string | undefined, bytes: number, getDestroy: () => () => void, setDestroy: (fn: () => void) => void): void {
    const key = `${kind}:${label ?? ''}`;
    this.sizes.set(obj, bytes);
    this.live += bytes;
    this.peak = Math.max(this.peak, this.live);
    this.liveObjects++;
    this.byLabel.set(key, (this.byLabel.get(key) ?? 0) + 1);
    const destroy = getDestroy();
    setDestroy(() => {
      const n = this.sizes.get(obj);
      // destroy() may be called more than once; only the first releases anything
      if (n !== undefined) {
        this.live -= n;
        this.sizes.delete(obj);
        this.liveObjects--;
        const left = (this.byLabel.get(key) ?? 1) - 1;
        if (left > 0) this.byLabel.set(key, left); else this.byLabel.delete(key);
      }
      destroy();
    });
  }
}

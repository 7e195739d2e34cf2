import { describe, expect, it } from 'vitest';
import { patchFlops } from '../model/sr-cost.js';
import { NO_FORECAST, realTimeForecast, SrThroughput, type ForecastPack } from './real-time-forecast.js';

describe('realTimeForecast', () => {
  const pack = { fps: 20, gflopsPerFrame: { mean: 25, max: 33 } }; // needs 500 GFLOP/s
  it.each([
    { name: 'no SR frame yet', samples: [], want: NO_FORECAST },
    { name: 'zero time (no timing)', samples: [{ gflop: 25, ms: 0 }], want: NO_FORECAST },
    { name: 'exactly real time: 25 GFLOP in 50 ms', samples: [{ gflop: 25, ms: 50 }], want: { gflopsPerSecond: 500, realTimeHeadroom: 1 } },
    { name: 'a 10x too slow adapter', samples: [{ gflop: 25, ms: 500 }], want: { gflopsPerSecond: 50, realTimeHeadroom: 0.1 } },
    // 60 GFLOP in 100 ms, not the mean of per-frame rates (1000 and 200)
    { name: 'frames weigh by their time', samples: [{ gflop: 40, ms: 40 }, { gflop: 20, ms: 100 }], want: { gflopsPerSecond: 60 / 0.14, realTimeHeadroom: 60 / 0.14 / 500 } },
  ])('$name', ({ samples, want }) => {
    const got = realTimeForecast(samples, pack);
    if (want.gflopsPerSecond === null || want.realTimeHeadroom === null) { expect(got).toEqual(want); return; }
    expect(got.gflopsPerSecond).toBeCloseTo(want.gflopsPerSecond, 9);
    expect(got.realTimeHeadroom).toBeCloseTo(want.realTimeHeadroom, 9);
  });
  it('a pack without gflopsPerFrame (older packs) still reports GFLOP/s, without a headroom', () => {
    expect(realTimeForecast([{ gflop: 10, ms: 100 }], { fps: 20 })).toEqual({ gflopsPerSecond: 100, realTimeHeadroom: null });
  });
});

describe('SrThroughput', () => {
  const pack: ForecastPack = { fps: 10, scale: 2, halo: 3, model: { paths: [{ blocks: 2, channels: 32 }, { blocks: 4, channels: 32 }] }, gflopsPerFrame: { mean: 1, max: 2 } };
  const coarse = { w: 32, h: 32, path: 0 }, fine = { w: 16, h: 16, path: 1 };
  const gflop = (p: typeof coarse) => patchFlops(pack.model.paths[p.path], 2, p.h, p.w, 3) / 1e9;
  it('costs each frame by its own patches and paths', () => {
    const got = new SrThroughput().shown(pack, 'compiled', { patches: [coarse, fine, fine], ms: 100 });
    expect(got.gflopsPerSecond).toBeCloseTo((gflop(coarse) + 2 * gflop(fine)) * 10, 9);
    expect(got.realTimeHeadroom).toBeCloseTo(got.gflopsPerSecond! / 10, 9);
  });
  it('keeps the last `window` SR frames, through bicubic frames, and restarts for another engine or pack', () => {
    const t = new SrThroughput(2);
    expect(t.shown(null, 'compiled', { patches: [coarse], ms: 10 })).toEqual(NO_FORECAST);
    expect(t.shown(pack, 'compiled', null)).toEqual(NO_FORECAST);
    t.shown(pack, 'compiled', { patches: [coarse], ms: 1000 });
    t.shown(pack, 'compiled', { patches: [coarse], ms: 10 });
    expect(t.shown(pack, 'compiled', { patches: [coarse], ms: 10 }).gflopsPerSecond).toBeCloseTo(gflop(coarse) * 100, 9); // the 1000 ms frame left
    expect(t.shown(pack, 'compiled', null).gflopsPerSecond).toBeCloseTo(gflop(coarse) * 100, 9); // a bicubic frame keeps the forecast
    expect(t.shown(pack, 'ort', { patches: [fine], ms: 100 }).gflopsPerSecond).toBeCloseTo(gflop(fine) * 10, 9);
    expect(t.shown({ ...pack }, 'ort', null)).toEqual(NO_FORECAST);
    expect(t.shown(pack, 'bicubic', { patches: [fine], ms: 100 })).toEqual(NO_FORECAST);
  });
});

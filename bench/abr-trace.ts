// The ABR on a recorded bandwidth trace (bench/abr-simulate.ts): mean shown PSNR, stall time and switches of the
// SR-aware rule, the throughput-only rule and each fixed rung, for three devices defined by what their SR keeps
// up with on this pack (every rung; only the cheapest; none). Prints a markdown table (docs/player.md, "ABR").
//   npx tsx bench/abr-trace.ts --pack DIR [--trace bench/traces/norway-bus-1.tsv] [--trace-scale F] [--latency-ms 80] [--json]
// --trace-scale multiplies every throughput of the trace (0.5: the same bus ride at half the rate).
// DIR: a pack made with `dydca pack --ladder ...`. Its segments are repeated to the trace's length.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PackManifest } from '../src/format/manifest.js';
import { SR_MARGIN, type AbrRung } from '../src/player/abr-rule.js';
import { parseTrace, simulate, type SimulationInput } from './abr-simulate.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const packDir = arg('pack', '');
if (!packDir) { process.stderr.write('usage: npx tsx bench/abr-trace.ts --pack DIR [--trace FILE] [--latency-ms MS] [--json]\n'); process.exit(2); }
const tracePath = resolve(arg('trace', join(import.meta.dirname, 'traces', 'norway-bus-1.tsv')));
const m = JSON.parse(readFileSync(join(packDir, 'manifest.json'), 'utf8')) as PackManifest;
if (!m.renditions || m.renditions.length < 2) { process.stderr.write(`${packDir}: not a ladder pack (no renditions); pack it with --ladder 4,2\n`); process.exit(2); }
const traceScale = Number(arg('trace-scale', '1'));
const trace = parseTrace(readFileSync(tracePath, 'utf8')).map(([t, mbps]): [number, number] => [t, mbps * traceScale]);
const rungs: AbrRung[] = m.renditions.map((r) => ({
  bitrate: r.lr.bitrate, segmentBytes: r.lr.segments.bytes, psnrSR: r.metrics.psnrSRPerSegment, psnrBicubic: r.metrics.psnrBicubicPerSegment,
  gflopsPerFrame: r.gflopsPerFrame.mean,
}));
const segmentSeconds = m.lr.segments!.frames / m.fps;
const segments = Math.ceil(trace[trace.length - 1][0] / segmentSeconds);
const need = (r: AbrRung) => r.gflopsPerFrame * m.fps * SR_MARGIN;
const devices: [string, number][] = [
  ['SR keeps up with every rung', 2 * Math.max(...rungs.map(need))],
  [`SR keeps up with x${m.renditions[0].scale} only`, need(rungs[0])],
  ['no SR (bicubic engine)', 0],
];
const policies: [string, SimulationInput['policy']][] = [
  ['SR-aware ABR', 'sr-aware'], ['throughput-only ABR', 'throughput'],
  ...m.renditions.map((r, i): [string, SimulationInput['policy']] => [`fixed x${r.scale} (${Math.round(r.lr.bitrate / 1000)} kbit/s)`, { fixed: i }]),
];
const latencyMs = Number(arg('latency-ms', '80'));
const rows = devices.flatMap(([device, g]) => policies.map(([policy, p]) => ({
  device, gflops: g, policy, ...simulate({ rungs, segmentSeconds, segments, fps: m.fps, trace, srGflopsPerSecond: g, policy: p, latencyMs }),
})));
if (process.argv.includes('--json')) { process.stdout.write(`${JSON.stringify(rows.map(({ rungs: _r, ...x }) => x), null, 2)}\n`); process.exit(0); }
process.stdout.write(`pack ${packDir}: ${m.renditions.map((r) => `x${r.scale} ${Math.round(r.lr.bitrate / 1000)} kbit/s, SR ${r.metrics.psnrSR.toFixed(2)} / bicubic ${r.metrics.psnrBicubic.toFixed(2)} dB, ${r.gflopsPerFrame.mean.toFixed(2)} GFLOP/frame`).join('; ')}\n`);
process.stdout.write(`trace ${tracePath}${traceScale !== 1 ? ` x${traceScale}` : ''} (${trace[trace.length - 1][0].toFixed(0)} s, ${segments} segments of ${segmentSeconds} s, latency ${latencyMs} ms)\n\n`);
process.stdout.write('| device (SR model GFLOP/s) | policy | mean shown PSNR (dB) | stall (s) | startup (s) | switches | mean LR kbit/s |\n|---|---|---|---|---|---|---|\n');
for (const r of rows) {
  process.stdout.write(`| ${r.device} (${Math.round(r.gflops)}) | ${r.policy} | ${r.meanPsnr.toFixed(2)} | ${r.stallSeconds.toFixed(1)} | ${r.startupSeconds.toFixed(2)} | ${r.switches} | ${Math.round(r.meanKbps)} |\n`);
}

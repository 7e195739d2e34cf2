// Words drawn over the video so each view says what it shows: "bicubic" and "SR" on each side of the compare split and
// over the lens panels, the legend of the patch-route colours (path, patch size, share of the frame), and the compact
// PSNR readout (SR, bicubic, gain). HTML over the canvas, positioned in fractions of the frame.
import { html, css, nothing } from 'lit';
import type { PatchRect } from '../format/patch.js';
import type { LensView } from './frame-presenter.js';

/** Path colours as shaders/present.wgsl draws the outlines (by path id modulo 4). */
export const PATH_COLOURS = ['rgb(26, 217, 77)', 'rgb(255, 191, 13)', 'rgb(242, 51, 64)', 'rgb(64, 140, 255)'] as const;

export interface RouteShare { path: number; patch: [number, number]; patches: number; share: number }

/** Each path's patch count and share of the frame's LR pixels (patches tile the frame, so the shares sum to 1). */
export function routeShares(patches: PatchRect[], paths: { id: number; patch: [number, number] }[], lrWidth: number, lrHeight: number): RouteShare[] {
  const area = Math.max(1, lrWidth * lrHeight);
  return paths.map((p) => {
    const mine = patches.filter((r) => r.path === p.id);
    return { path: p.id, patch: p.patch, patches: mine.length, share: mine.reduce((a, r) => a + r.w * r.h, 0) / area };
  });
}

/** SR, bicubic and the gain, compactly; what is missing on this frame is said. */
export function psnrReadout(psnr: number | null, psnrBicubic: number | null): string {
  const db = (v: number) => `${v.toFixed(2)} dB`;
  if (psnr === null && psnrBicubic === null) return 'PSNR: waiting for the HR reference';
  if (psnr === null) return `bicubic ${db(psnrBicubic!)} (no SR on this frame)`;
  if (psnrBicubic === null) return `SR ${db(psnr)}`;
  const gain = psnr - psnrBicubic;
  return `SR ${db(psnr)} · bicubic ${db(psnrBicubic)} · ${gain >= 0 ? '+' : '−'}${db(Math.abs(gain))}`;
}

export interface LabelsState {
  width: number; height: number;
  /** compare split line as a fraction of the width, or null without compare */
  split: number | null;
  lens: LensView | null;
  legend: RouteShare[] | null;
  psnr: string | null;
}

const pct = (v: number) => `${(100 * v).toFixed(3)}%`;

export function viewLabelsTemplate(s: LabelsState) {
  const { width: w, height: h, lens } = s;
  // the lens panel's place as shaders/present.wgsl puts it: the top corner away from the magnified region
  const panelX = lens ? (lens.x > w / 2 ? 4 : w - 2 * lens.size - 4) : 0;
  return html`
    ${s.split !== null ? html`
      <span class="view-label compare-label" id="label-bicubic" style="right: ${pct(1 - s.split)}; top: 70%">bicubic</span>
      <span class="view-label compare-label" id="label-sr" style="left: ${pct(s.split)}; top: 70%">SR</span>` : nothing}
    ${lens && w > 0 && h > 0 ? html`
      <span class="view-label lens-label" id="lens-label-bicubic" style="left: ${pct((panelX + 2) / w)}; top: ${pct((lens.size + 6) / h)}">bicubic</span>
      <span class="view-label lens-label" id="lens-label-sr" style="left: ${pct((panelX + lens.size + 2) / w)}; top: ${pct((lens.size + 6) / h)}">SR</span>` : nothing}
    ${s.legend ? html`<div class="route-legend" id="route-legend" part="legend">${s.legend.map((r) => html`
      <div class="route"><span class="swatch" style="background: ${PATH_COLOURS[r.path % 4]}"></span>path ${r.path}: ${r.patch[1]}x${r.patch[0]} patches, ${r.patches} (${(100 * r.share).toFixed(0)}% of the frame)</div>`)}</div>` : nothing}
    ${s.psnr !== null ? html`<div class="psnr-readout" id="psnr-readout" part="psnr-readout">${s.psnr}</div>` : nothing}`;
}

export const viewLabelStyles = css`
  .view-label { position: absolute; padding: 0 5px; margin: 0 4px; border-radius: 3px; background: rgba(0, 0, 0, 0.6); color: #fff; font-size: 12px; pointer-events: none; white-space: nowrap; }
  .route-legend { position: absolute; left: 6px; bottom: 6px; padding: 4px 6px; border-radius: 4px; background: rgba(0, 0, 0, 0.7); font-size: 12px; pointer-events: none; }
  .route-legend .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 5px; border-radius: 2px; vertical-align: middle; }
  .psnr-readout { position: absolute; left: 6px; bottom: 6px; padding: 2px 6px; border-radius: 4px; background: rgba(0, 0, 0, 0.7); font-size: 12px; font-variant-numeric: tabular-nums; pointer-events: none; }
`;

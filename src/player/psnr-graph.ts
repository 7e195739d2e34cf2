// <psnr-graph>: PSNR of SR and of bicubic against the HR reference over the frames played, as an SVG line chart.
import { LitElement, html, svg, css } from 'lit';

export interface PsnrPoint { frame: number; psnr: number; psnrBicubic: number }

export class PsnrGraph extends LitElement {
  static override properties = { points: { attribute: false } };
  static override styles = css`
    :host { display: block; margin-top: 8px; }
    svg { width: 100%; height: 160px; background: #1b1b1b; }
    .legend { font-size: 12px; } .sr { color: #4cd964; } .bic { color: #ffb020; }
  `;
  points: PsnrPoint[] = [];

  override render() {
    const w = 600, h = 160, pad = 24;
    const pts = this.points;
    if (pts.length === 0) return html`<div class="legend">PSNR graph: waiting for frames</div>`;
    // a loop, not Math.min(...values): a long video's points exceed what a call takes as arguments
    let min = Infinity, max = -Infinity;
    for (const p of pts) { min = Math.min(min, p.psnr, p.psnrBicubic); max = Math.max(max, p.psnr, p.psnrBicubic); }
    const lo = Math.floor(min - 0.5), hi = Math.ceil(max + 0.5);
    const f0 = pts[0].frame, f1 = Math.max(f0 + 1, pts[pts.length - 1].frame);
    const x = (f: number) => pad + ((f - f0) / (f1 - f0)) * (w - 2 * pad);
    const y = (v: number) => h - pad - ((v - lo) / (hi - lo)) * (h - 2 * pad);
    const line = (get: (p: PsnrPoint) => number) => pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.frame).toFixed(1)},${y(get(p)).toFixed(1)}`).join(' ');
    return html`
      <div class="legend"><span class="sr">SR</span> vs <span class="bic">bicubic</span> PSNR (dB) by frame</div>
      <svg viewBox="0 0 ${w} ${h}" preserveAspectRatio="none">
        ${svg`<text x="2" y="${pad}" fill="#aaa" font-size="10">${hi}</text><text x="2" y="${h - pad}" fill="#aaa" font-size="10">${lo}</text>
        <path d="${line((p) => p.psnrBicubic)}" stroke="#ffb020" fill="none" stroke-width="1.5"/>
        <path d="${line((p) => p.psnr)}" stroke="#4cd964" fill="none" stroke-width="1.5"/>`}
      </svg>`;
  }
}
customElements.define('psnr-graph', PsnrGraph);

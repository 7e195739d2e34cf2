// The demo page around <dydca-player>: engine switch, compare split drag, overlay select, stats readout,
// PSNR-over-time graph and loading another pack by URL.
import { LitElement, html, css } from 'lit';
import { ENGINE_NAMES, type EngineName } from '../runtime/engine.js';
import { type DydcaPlayer, type OverlayMode, type PlayerStats } from './dydca-player.js';
import './dydca-player.js';
import './psnr-graph.js';

const formatBytes = (n: number): string => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${(n / 1024).toFixed(0)} KiB`);
const formatDb = (v: number | null): string => (v === null ? 'n/a' : `${v.toFixed(2)} dB`);

export class DemoApp extends LitElement {
  static override properties = {
    packUrl: { state: true }, engine: { state: true }, compare: { state: true }, overlay: { state: true },
    split: { state: true }, stats: { state: true }, playing: { state: true },
  };

  static override styles = css`
    :host { display: block; padding: 12px; max-width: 1100px; margin: 0 auto; }
    h1 { font-size: 20px; margin: 0 0 8px; }
    .controls { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 8px 0; }
    .stage { position: relative; user-select: none; touch-action: none; }
    .stage.compare { cursor: ew-resize; }
    .readout { font-variant-numeric: tabular-nums; display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 4px 12px; }
    input[type=url] { width: 340px; }
    button, select, input { font: inherit; }
  `;

  protected packUrl = new URLSearchParams(location.search).get('pack') ?? '/demo/manifest.json';
  protected engine: EngineName = (new URLSearchParams(location.search).get('engine') as EngineName | null) ?? 'compiled';
  protected compare = false;
  protected overlay: OverlayMode = 'none';
  protected split = 0.5;
  protected stats: PlayerStats | null = null;
  protected playing = false;
  protected autoplay = new URLSearchParams(location.search).get('autoplay') !== '0';
  private history: { frame: number; psnr: number; psnrBicubic: number }[] = [];
  private dragging = false;

  private get player(): DydcaPlayer { return this.renderRoot.querySelector('dydca-player')!; }

  override render() {
    const s = this.stats;
    return html`
      <h1>dydca: super-resolution video streaming (Dy-DCA) on WebGPU</h1>
      <div class="controls">
        <button id="play" @click=${this.togglePlay}>${this.playing ? 'Pause' : 'Play'}</button>
        <label>Engine <select id="engine" @change=${(e: Event) => { this.engine = (e.target as HTMLSelectElement).value as EngineName; }}>
          ${ENGINE_NAMES.map((n) => html`<option value=${n} ?selected=${n === this.engine}>${n}</option>`)}</select></label>
        <label><input id="compare" type="checkbox" .checked=${this.compare} @change=${(e: Event) => { this.compare = (e.target as HTMLInputElement).checked; }}> Compare bicubic | SR</label>
        <label>Overlay <select id="overlay" @change=${(e: Event) => { this.overlay = (e.target as HTMLSelectElement).value as OverlayMode; }}>
          ${(['none', 'psnr', 'patches'] as const).map((o) => html`<option value=${o} ?selected=${o === this.overlay}>${o}</option>`)}</select></label>
        <form @submit=${this.loadPack}><input id="pack-url" type="url" .value=${this.packUrl} placeholder="manifest.json URL"> <button>Load pack</button></form>
      </div>
      <div class="stage ${this.compare ? 'compare' : ''}" @pointerdown=${this.dragStart} @pointermove=${this.dragMove} @pointerup=${() => { this.dragging = false; }}>
        <dydca-player src=${this.packUrl} engine=${this.engine} ?compare=${this.compare} overlay=${this.overlay} .split=${this.split} ?autoplay=${this.autoplay}
          @frame=${this.onFrame} @ready=${() => { this.history = []; }}
          @enginechange=${(e: CustomEvent<{ engine: EngineName }>) => { this.engine = e.detail.engine; }} @ended=${() => { this.playing = false; }}></dydca-player>
      </div>
      <div class="readout" id="readout">
        <span>frame ${s ? s.frame : '-'}</span><span>${s ? s.fps : 0} fps</span><span>SR ${s ? s.srMs.toFixed(1) : '-'} ms</span>
        <span>dropped ${s ? s.dropped : 0}</span><span>engine ${s?.engine ?? '-'}</span><span>${s?.patches ?? 0} patches</span>
        <span>GPU live ${formatBytes(s?.liveGpuBytes ?? 0)}</span><span>GPU peak ${formatBytes(s?.peakGpuBytes ?? 0)}</span>
        <span>PSNR SR ${formatDb(s?.psnr ?? null)}</span><span>PSNR bicubic ${formatDb(s?.psnrBicubic ?? null)}</span>
      </div>
      ${this.overlay === 'psnr' ? html`<psnr-graph .points=${this.history}></psnr-graph>` : ''}`;
  }

  private togglePlay(): void {
    if (this.player.isPlaying) { this.player.pause(); this.playing = false; } else { this.player.play(); this.playing = true; }
  }

  private onFrame(e: CustomEvent<PlayerStats>): void {
    this.stats = e.detail;
    this.playing = this.player.isPlaying;
    const { frame, psnr, psnrBicubic } = e.detail;
    if (psnr !== null && psnrBicubic !== null) {
      this.history = [...this.history.filter((p) => p.frame < frame), { frame, psnr, psnrBicubic }];
    }
  }

  private loadPack(e: Event): void {
    e.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#pack-url')!;
    this.packUrl = input.value;
  }

  private dragStart(e: PointerEvent): void {
    if (!this.compare) return;
    this.dragging = true;
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    this.dragMove(e);
  }

  private dragMove(e: PointerEvent): void {
    if (!this.dragging) return;
    const box = (e.currentTarget as HTMLElement).getBoundingClientRect();
    this.split = Math.min(1, Math.max(0, (e.clientX - box.left) / box.width));
  }
}
customElements.define('dydca-demo-app', DemoApp);

// The demo page around <dydca-player>: a pack gallery (the bundled packs or any URL), engine / compare / overlay /
// lens controls that mirror the element both ways, a checkbox per compiler optimization, the stats readout (from the
// element's `stats`, kept current by its `frame` and `stats` events: one source) and the PSNR-over-time graph. The URL
// parameters `pack`, `engine`, `overlay`, `compare`, `opt` (and `lens`, `autoplay`) set the player on load and are kept current.
import { LitElement, html, css } from 'lit';
import { ENGINE_NAMES, isEngineName, type EngineName } from '../runtime/engine.js';
import { type DydcaPlayer, type OverlayMode, type PlayerStats } from './dydca-player.js';
import { OVERLAYS } from './player-controls.js';
import { formatBytes } from './player-stats.js';
import { formatOptimizations, isCompiledEngineName, OPTIMIZATION_PRESETS, OPTIMIZATIONS, parseOptimizations, type OptimizationSet } from '../runtime/optimizations.js';
import { codedHrSize, isPadded } from '../format/manifest.js';
import './dydca-player.js';
import './psnr-graph.js';

const formatDb = (v: number | null): string => (v === null ? 'n/a' : `${v.toFixed(2)} dB`);

/** The packs this site bundles (public/): listed when their manifest is there. */
const BUNDLED_PACKS = [
  { url: '/demo/manifest.json', label: 'Cockatoo x2' },
  { url: '/demo-x4/manifest.json', label: 'Cockatoo x4' },
];

interface PackFacts { url: string; label: string; facts: string }

/** Frames the PSNR graph shows at most (the latest). */
const GRAPH_POINTS = 3000;

export class DemoApp extends LitElement {
  static override properties = {
    packUrl: { state: true }, engine: { state: true }, optimizations: { state: true }, compare: { state: true }, overlay: { state: true }, lens: { state: true },
    stats: { state: true }, gallery: { state: true }, facts: { state: true },
  };

  static override styles = css`
    :host { display: block; padding: 12px; max-width: 1100px; margin: 0 auto; }
    h1 { font-size: 20px; margin: 0 0 8px; }
    .controls, .gallery { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 8px 0; }
    .gallery button[aria-current=true] { outline: 2px solid #6aa0ff; }
    .facts { color: #bbb; margin: 4px 0; }
    .optimizations { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 2px 12px; margin: 8px 0; font-size: 13px; }
    .optimizations small { color: #999; }
    .readout { font-variant-numeric: tabular-nums; display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 4px 12px; }
    input[type=url] { width: 340px; }
    button, select, input { font: inherit; }
  `;

  private readonly params = new URLSearchParams(location.search);
  protected packUrl = this.params.get('pack') ?? BUNDLED_PACKS[0].url;
  protected engine: EngineName = isEngineName(this.params.get('engine')) ? this.params.get('engine') as EngineName : 'compiled';
  protected compare = this.params.get('compare') === '1';
  protected overlay: OverlayMode = (OVERLAYS as readonly string[]).includes(this.params.get('overlay') ?? '') ? this.params.get('overlay') as OverlayMode : 'none';
  protected lens = this.params.get('lens') === '1';
  /** the compiled engines' optimizations as the player's attribute reads them ('' = the engine's preset) */
  protected optimizations = this.params.get('opt') ?? '';
  /** a ladder pack's rung: "auto" (the ABR) or an index (URL ?rendition=) */
  protected rendition = this.params.get('rendition') ?? 'auto';
  /** a pack with model tiers: "auto" (by measured headroom) or an index (URL ?tier=) */
  protected tier = this.params.get('tier') ?? 'auto';
  protected stats: PlayerStats | null = null;
  protected gallery: PackFacts[] = [];
  protected facts = '';
  protected autoplay = this.params.get('autoplay') !== '0';
  private history: { frame: number; psnr: number; psnrBicubic: number }[] = [];

  private get player(): DydcaPlayer { return this.renderRoot.querySelector('dydca-player')!; }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.findBundledPacks();
  }

  override render() {
    const s = this.stats;
    return html`
      <h1>dydca: super-resolution video streaming (Dy-DCA) on WebGPU</h1>
      <div class="gallery" id="gallery">Packs:
        ${this.gallery.map((p) => html`<button class="pack" aria-current=${p.url === this.packUrl} title=${p.facts} @click=${() => { this.packUrl = p.url; }}>${p.label}</button>`)}
        <form @submit=${this.loadPack}><input id="pack-url" type="url" .value=${this.packUrl} placeholder="manifest.json URL"> <button>Load pack</button></form>
      </div>
      <div class="facts" id="facts">${this.facts}</div>
      <div class="controls">
        <label>Engine <select id="engine" @change=${(e: Event) => { this.pickEngine((e.target as HTMLSelectElement).value as EngineName); }}>
          ${ENGINE_NAMES.map((n) => html`<option value=${n} ?selected=${n === this.engine}>${n}</option>`)}</select></label>
        <label><input id="compare" type="checkbox" .checked=${this.compare} @change=${(e: Event) => { this.compare = (e.target as HTMLInputElement).checked; }}> Compare bicubic | SR</label>
        <label><input id="lens" type="checkbox" .checked=${this.lens} @change=${(e: Event) => { this.lens = (e.target as HTMLInputElement).checked; }}> Zoom lens</label>
        <label>Overlay <select id="overlay" @change=${(e: Event) => { this.overlay = (e.target as HTMLSelectElement).value as OverlayMode; }}>
          ${OVERLAYS.map((o) => html`<option value=${o} ?selected=${o === this.overlay}>${o}</option>`)}</select></label>
      </div>
      ${this.optimizationSwitches()}
      <dydca-player src=${this.packUrl} engine=${this.engine} optimizations=${this.optimizations} rendition=${this.rendition} tier=${this.tier} ?compare=${this.compare} overlay=${this.overlay} ?lens=${this.lens} ?autoplay=${this.autoplay}
        @frame=${this.onFrame} @stats=${(e: CustomEvent<PlayerStats>) => { this.stats = e.detail; }} @statechange=${(e: CustomEvent<PlayerStats>) => { this.stats = e.detail; }} @poster=${this.onPoster} @ready=${() => { this.history = []; }} @viewchange=${this.onViewChange}
        @enginechange=${(e: CustomEvent<{ engine: EngineName }>) => { this.engine = e.detail.engine; }}></dydca-player>
      <div class="facts" id="device-summary">${s?.device ?? ''}</div>
      <div class="readout" id="readout">
        <span id="on-screen" title="what the frame on screen is (the player's badge)">on screen: ${s?.badge ?? '-'}</span>
        <span id="stream-state" title="what the player is doing; video downloaded ahead; bytes fetched">${s?.state ?? '-'}, ${(s?.bufferedSeconds ?? 0).toFixed(1)} s ahead, ${formatBytes(s?.bytesFetched ?? 0)} fetched</span>
        ${s?.rendition != null ? html`<span id="rendition" title="the bitrate ladder's rung on screen (renditions, rising bitrate), and the throughput the ABR measured">rung ${s.rendition + 1} of ${this.player?.manifest?.renditions?.length ?? "?"}, ${s.bandwidthKbps != null ? `${Math.round(s.bandwidthKbps)} kbit/s` : '- kbit/s'}</span>` : ''}
        ${s?.tier != null ? html`<span id="tier" title="the model tier SR runs (the pack's tiers, richest first), chosen by measured headroom unless fixed">tier ${s.tier + 1} of ${this.player?.manifest?.tiers?.length ?? '?'}</span>` : ''}
        <span>frame ${s ? s.frame : '-'}</span><span>${s ? s.fps : 0} fps</span><span>SR ${s ? s.srMs.toFixed(1) : '-'} ms</span>
        <span>SR frames ${s?.srFrames ?? 0}</span><span>bicubic frames ${s?.bicubicFrames ?? 0}</span><span>dropped ${s?.dropped ?? 0}</span>
        <span>startup ${s?.startupMs != null ? `${(s.startupMs / 1000).toFixed(1)} s` : '-'}</span>
        <span>engine ${s?.engine ?? '-'}</span><span>${s?.patches ?? 0} patches</span>
        <span title="model GFLOP/s of SR on this adapter; headroom = that / (the pack's GFLOP per frame x fps), >= 1 predicts real time">SR ${s?.gflopsPerSecond != null ? `${s.gflopsPerSecond.toFixed(1)} GFLOP/s` : '- GFLOP/s'}${s?.realTimeHeadroom != null ? `, ${s.realTimeHeadroom.toFixed(2)}x real time` : ''}</span>
        <span>${s?.dispatches ?? '-'} dispatches per SR frame</span>
        <span>GPU live ${formatBytes(s?.liveGpuBytes ?? 0)}</span><span>GPU peak ${formatBytes(s?.peakGpuBytes ?? 0)}</span>
        <span>PSNR SR ${formatDb(s?.psnr ?? null)}</span><span>PSNR bicubic ${formatDb(s?.psnrBicubic ?? null)}</span>
      </div>
      ${this.overlay === 'psnr' ? html`<details class="graph" id="psnr-graph-box" open><summary>PSNR by frame (the player shows the current frame's on the video)</summary>
        <psnr-graph .points=${this.history}></psnr-graph></details>` : ''}`;
  }

  override updated(): void {
    // Shareable state: the address bar says what is on screen.
    const p = new URLSearchParams(location.search);
    p.set('pack', this.packUrl); p.set('engine', this.engine); p.set('overlay', this.overlay);
    p.set('compare', this.compare ? '1' : '0'); p.set('lens', this.lens ? '1' : '0');
    if (this.optimizations) p.set('opt', this.optimizations); else p.delete('opt');
    const url = `${location.pathname}?${p.toString()}${location.hash}`;
    if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
  }

  /** The optimizations on: the `opt` list, else the engine's preset (an unknown name: the element reports it). */
  private activeOptimizations(): OptimizationSet {
    if (this.optimizations) { try { return parseOptimizations(this.optimizations); } catch { /* shown by the player's error */ } }
    return new Set(isCompiledEngineName(this.engine) ? OPTIMIZATION_PRESETS[this.engine] : []);
  }

  /** A checkbox per compiler optimization with its one line; a switch rebuilds the compiled engine's plan. */
  private optimizationSwitches() {
    const on = this.activeOptimizations(), compiled = isCompiledEngineName(this.engine);
    const toggle = (name: (typeof OPTIMIZATIONS)[number]['name'], checked: boolean) => {
      const next = new Set(on);
      if (checked) next.add(name); else next.delete(name);
      this.optimizations = formatOptimizations(next);
    };
    return html`<fieldset class="optimizations" id="optimizations" ?disabled=${!compiled}
      title=${compiled ? 'compiler optimizations of the compiled engine' : 'the compiler optimizations apply to the compiled engines'}>
      <legend>Compiler optimizations${compiled ? '' : ' (compiled engines only)'}</legend>
      ${OPTIMIZATIONS.map((o) => html`<label><input type="checkbox" data-optimization=${o.name} .checked=${on.has(o.name)}
        @change=${(e: Event) => toggle(o.name, (e.target as HTMLInputElement).checked)}> ${o.name} <small>${o.description}</small></label>`)}
    </fieldset>`;
  }

  /** The element's own controls and keys changed something: the page's controls follow. */
  private onViewChange(e: CustomEvent<{ engine: EngineName; compare: boolean; overlay: OverlayMode; lens: boolean }>): void {
    this.pickEngine(e.detail.engine);
    ({ compare: this.compare, overlay: this.overlay, lens: this.lens } = e.detail);
  }

  /** Another engine chosen: its own preset of optimizations (the checkboxes start from it again). */
  private pickEngine(engine: EngineName): void {
    if (engine !== this.engine) this.optimizations = '';
    this.engine = engine;
  }

  private onPoster(e: CustomEvent<{ manifest: NonNullable<DydcaPlayer['manifest']> }>): void {
    this.facts = packFacts(e.detail.manifest);
  }

  private onFrame(e: CustomEvent<PlayerStats>): void {
    this.stats = e.detail;
    const { frame, psnr, psnrBicubic } = e.detail;
    if (psnr !== null && psnrBicubic !== null) {
      // the last GRAPH_POINTS frames: a long video's graph stays a window, its memory bounded
      this.history = [...this.history.filter((p) => p.frame < frame).slice(-(GRAPH_POINTS - 1)), { frame, psnr, psnrBicubic }];
    }
  }

  private loadPack(e: Event): void {
    e.preventDefault();
    this.packUrl = this.renderRoot.querySelector<HTMLInputElement>('#pack-url')!.value;
  }

  private async findBundledPacks(): Promise<void> {
    const found = await Promise.all(BUNDLED_PACKS.map(async (p) => {
      try {
        const r = await fetch(p.url);
        if (!r.ok || !/json/.test(r.headers.get('content-type') ?? '')) return null;
        return { ...p, facts: packFacts(await r.json()) };
      } catch { return null; }
    }));
    this.gallery = found.filter((p): p is PackFacts => p !== null);
  }
}

/** The facts a viewer wants before pressing play. */
function packFacts(m: NonNullable<DydcaPlayer['manifest']>): string {
  const gflops = m.gflopsPerFrame;
  // a padded pack codes HR frames larger than the picture (LR x scale): say both, the picture first
  const coded = codedHrSize(m);
  const hr = `HR ${m.hr.width}x${m.hr.height}${isPadded(m) ? ` (coded ${coded.width}x${coded.height})` : ''}`;
  return `LR ${m.lr.width}x${m.lr.height} -> ${hr} (x${m.scale}), ${(m.frames / m.fps).toFixed(1)} s at ${m.fps} fps, ` +
    `${m.model.paths.length} paths${gflops ? `, ${gflops.mean.toFixed(1)} GFLOP per frame` : ''}`;
}
customElements.define('dydca-demo-app', DemoApp);

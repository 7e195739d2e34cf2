// The controls people expect from a video player, drawn by the element under its canvas: play/pause, frame step,
// seek bar with time, a badge saying whether SR keeps up, compare / lens / overlay toggles, fullscreen; and the
// keyboard: Space play/pause, Left/Right one frame, 1-9 engine, C compare, O overlay, L lens, F fullscreen.
import { html, css } from 'lit';
import { ENGINE_NAMES, type EngineName } from '../runtime/engine.js';
import { formatTime } from './player-stats.js';

export type PlayerAction =
  | { kind: 'toggle-play' } | { kind: 'step'; frames: number } | { kind: 'engine'; engine: EngineName }
  | { kind: 'toggle-compare' } | { kind: 'cycle-overlay' } | { kind: 'toggle-lens' } | { kind: 'fullscreen' };

/** The action a key stands for, or null (the key is left to the page). */
export function keyAction(key: string): PlayerAction | null {
  switch (key) {
    case ' ': case 'k': return { kind: 'toggle-play' };
    case 'ArrowLeft': return { kind: 'step', frames: -1 };
    case 'ArrowRight': return { kind: 'step', frames: 1 };
    case 'c': case 'C': return { kind: 'toggle-compare' };
    case 'o': case 'O': return { kind: 'cycle-overlay' };
    case 'l': case 'L': return { kind: 'toggle-lens' };
    case 'f': case 'F': return { kind: 'fullscreen' };
    default: {
      const n = /^[1-9]$/.test(key) ? Number(key) - 1 : -1;
      return n >= 0 && n < ENGINE_NAMES.length ? { kind: 'engine', engine: ENGINE_NAMES[n] } : null;
    }
  }
}

export const OVERLAYS = ['none', 'psnr', 'patches'] as const;

export interface ControlsState {
  playing: boolean; frame: number; frames: number; fps: number; compare: boolean; lens: boolean;
  overlay: (typeof OVERLAYS)[number]; badge: { text: string; late: boolean } | null;
}

export const controlsStyles = css`
  .controls { display: flex; align-items: center; gap: 8px; padding: 6px 8px; background: #181818; font-variant-numeric: tabular-nums; }
  .controls button { font: inherit; background: #2a2a2a; color: #eee; border: 1px solid #444; border-radius: 4px; padding: 2px 8px; cursor: pointer; }
  .controls button[aria-pressed=true] { background: #3c5a8a; }
  .controls input[type=range] { flex: 1; min-width: 80px; }
  .badge { padding: 1px 6px; border-radius: 4px; background: #1f5f2f; white-space: nowrap; }
  .badge.late { background: #7a5a00; }
`;

export function controlsTemplate(s: ControlsState, act: (a: PlayerAction) => void, seek: (frame: number) => void) {
  const at = Math.max(0, s.frame);
  return html`<div class="controls" part="controls">
    <button id="play-pause" title="Play/pause (Space)" @click=${() => act({ kind: 'toggle-play' })}>${s.playing ? 'Pause' : 'Play'}</button>
    <button id="step-back" title="Previous frame (Left)" @click=${() => act({ kind: 'step', frames: -1 })}>&lt;|</button>
    <button id="step-forward" title="Next frame (Right)" @click=${() => act({ kind: 'step', frames: 1 })}>|&gt;</button>
    <input id="seek" type="range" min="0" max=${Math.max(0, s.frames - 1)} step="1" .value=${String(at)} aria-label="seek"
      @input=${(e: Event) => seek(Number((e.target as HTMLInputElement).value))}>
    <span class="time">${formatTime(at / s.fps)} / ${formatTime(s.frames / s.fps)}</span>
    ${s.badge ? html`<span class="badge ${s.badge.late ? 'late' : ''}" id="badge">${s.badge.text}</span>` : ''}
    <button id="compare-toggle" title="Compare bicubic | SR (C)" aria-pressed=${s.compare} @click=${() => act({ kind: 'toggle-compare' })}>Compare</button>
    <button id="lens-toggle" title="Zoom lens (L)" aria-pressed=${s.lens} @click=${() => act({ kind: 'toggle-lens' })}>Lens</button>
    <button id="overlay-cycle" title="Overlay: none, PSNR, patches (O)" @click=${() => act({ kind: 'cycle-overlay' })}>Overlay: ${s.overlay}</button>
    <button id="fullscreen" title="Fullscreen (F)" @click=${() => act({ kind: 'fullscreen' })}>Fullscreen</button>
  </div>`;
}

// What the viewer touches: keys and the controls bar become actions on the element, the pointer drags the compare
// split and moves the zoom lens, and the element's view options (compare, split, overlay, lens) become what the
// frame pipeline draws.
import type { EngineName } from '../runtime/engine.js';
import type { ViewOptions } from './frame-pipeline.js';
import type { LensView } from './frame-presenter.js';
import { keyAction, OVERLAYS, type PlayerAction } from './player-controls.js';

export interface ViewHost extends HTMLElement {
  engine: EngineName; compare: boolean; split: number; lens: boolean; overlay: (typeof OVERLAYS)[number];
  readonly isPlaying: boolean;
  readonly stats: { frame: number };
  readonly manifest: { fps: number; frames: number } | null;
  play(): void; pause(): void; seek(seconds: number): Promise<void>;
  canvas(): HTMLCanvasElement | null;
  /** show the current frame again with the new view (paused) */
  reshow(): void;
}

/** Lens magnification and panel size (a fraction of the frame's smaller side). */
const LENS_ZOOM = 4;

export class PlayerView {
  private lensAt: { x: number; y: number } | null = null;
  private dragging = false;
  /** the frame the last step asked for, until it is shown: steps faster than frames render add up */
  private stepTo: number | null = null;

  constructor(private readonly host: ViewHost) {}

  options(): ViewOptions {
    const h = this.host;
    const c = h.canvas();
    const w = c?.width ?? 0, ht = c?.height ?? 0;
    const lens: LensView | null = h.lens
      ? { x: this.lensAt?.x ?? w / 2, y: this.lensAt?.y ?? ht / 2, size: Math.max(16, Math.round(Math.min(w / 4, ht / 2.5))), zoom: LENS_ZOOM } : null;
    return { compare: h.compare, split: h.split, overlay: h.overlay, lens };
  }

  act(a: PlayerAction): void {
    const h = this.host;
    switch (a.kind) {
      case 'toggle-play': if (h.isPlaying) h.pause(); else h.play(); break;
      case 'step': {
        h.pause();
        if (!h.manifest) break;
        const to = Math.max(0, Math.min(h.manifest.frames - 1, (this.stepTo ?? h.stats.frame) + a.frames));
        this.stepTo = to;
        void h.seek(to / h.manifest.fps).finally(() => { if (this.stepTo === to) this.stepTo = null; });
        break;
      }
      case 'engine': h.engine = a.engine; break;
      case 'toggle-compare': h.compare = !h.compare; break;
      case 'cycle-overlay': h.overlay = OVERLAYS[(OVERLAYS.indexOf(h.overlay) + 1) % OVERLAYS.length]; break;
      case 'toggle-lens': h.lens = !h.lens; break;
      case 'fullscreen': if (document.fullscreenElement) void document.exitFullscreen(); else void h.requestFullscreen?.().catch(() => undefined); break;
    }
    h.dispatchEvent(new CustomEvent('viewchange', { detail: { engine: h.engine, compare: h.compare, overlay: h.overlay, lens: h.lens } }));
  }

  readonly onKey = (e: KeyboardEvent): void => {
    if (e.ctrlKey || e.metaKey || e.altKey || keyBelongsToTarget(e)) return;
    const a = keyAction(e.key);
    if (!a) return;
    e.preventDefault();
    this.act(a);
  };

  /** Compare: drag the split line on the canvas. */
  readonly pointerDown = (e: PointerEvent): void => {
    if (!this.host.compare || (e.target as HTMLElement).tagName !== 'CANVAS') return;
    this.dragging = true;
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    this.pointerMove(e);
  };

  readonly pointerUp = (): void => { this.dragging = false; };

  /** Lens: the magnified region follows the pointer. */
  readonly pointerMove = (e: PointerEvent): void => {
    const canvas = this.host.canvas();
    if (!canvas) return;
    const box = canvas.getBoundingClientRect();
    const clamp = (v: number) => Math.min(1, Math.max(0, v));
    const fx = clamp((e.clientX - box.left) / box.width);
    if (this.dragging) this.host.split = fx;
    if (this.host.lens) {
      this.lensAt = { x: fx * canvas.width, y: clamp((e.clientY - box.top) / box.height) * canvas.height };
      if (!this.host.isPlaying) this.host.reshow();
    }
  };
}

/** Keys the focused control handles itself: typing in a text field, arrows on a slider, Space/Enter on a button. */
function keyBelongsToTarget(e: KeyboardEvent): boolean {
  const t = e.composedPath()[0] as HTMLInputElement | undefined;
  if (!t?.tagName) return false;
  const tag = t.tagName, type = tag === 'INPUT' ? t.type : '';
  if (tag === 'TEXTAREA' || tag === 'SELECT' || t.isContentEditable || (tag === 'INPUT' && type !== 'range' && type !== 'checkbox')) return true;
  if (type === 'range' && /^(Arrow|Home|End|Page)/.test(e.key)) return true;
  return (tag === 'BUTTON' || type === 'checkbox') && (e.key === ' ' || e.key === 'Enter');
}

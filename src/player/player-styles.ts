// The player element's look: the stage (canvas, status, error, notice layers) and its controls bar.
import { css } from 'lit';
import { controlsStyles } from './player-controls.js';
import { viewLabelStyles } from './view-labels.js';

export const playerStyles = [controlsStyles, viewLabelStyles, css`
  :host { display: block; position: relative; background: #000; color: #eee; font: 14px system-ui, sans-serif; outline: none; }
  .stage { position: relative; touch-action: none; }
  canvas { display: block; width: 100%; height: auto; image-rendering: pixelated; }
  :host([compare]) canvas { cursor: ew-resize; } :host([lens]) canvas { cursor: zoom-in; }
  .status, .error { position: absolute; left: 0; right: 0; top: 0; padding: 12px; background: rgba(0, 0, 0, 0.75); }
  .error { color: #ff8080; border: 1px solid #ff4040; }
  .notice { position: absolute; left: 0; right: 0; bottom: 0; padding: 8px 12px; background: rgba(40, 30, 0, 0.85); color: #ffd966; }
  .hint { position: absolute; right: 8px; bottom: 8px; max-width: 60%; padding: 3px 8px; border-radius: 4px; background: rgba(0, 0, 0, 0.7); color: #ffd966; font-size: 12px; pointer-events: none; }
  progress { width: 100%; }
  .waiting { position: absolute; left: 50%; top: 50%; transform: translate(-50%, -50%); max-width: 80%; padding: 10px 14px; border-radius: 6px;
    background: rgba(0, 0, 0, 0.75); display: flex; align-items: center; gap: 10px; }
  .spinner { flex: none; width: 22px; height: 22px; border-radius: 50%; border: 3px solid rgba(255, 255, 255, 0.25); border-top-color: #fff; animation: spin 0.9s linear infinite; }
  @keyframes spin { to { transform: rotate(360deg); } }
  @media (prefers-reduced-motion: reduce) { .spinner { animation-duration: 3s; } }`];

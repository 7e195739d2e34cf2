// What the badge (and `stats.badge`) says about the frame on screen: whether SR made it, and if not, why. Decided
// from what that very frame is, never from what the player hopes to show next.
import type { EngineName } from '../runtime/engine.js';

export interface ShownState {
  /** how the frame on screen was made (null before the first) */
  shown: 'sr' | 'bicubic' | null;
  /** the engine whose output is on screen when `shown` is 'sr' */
  shownBy: EngineName | null;
  /** the engine chosen now */
  selected: EngineName;
  /** the chosen engine is still loading: what it is doing ("downloading the model", "compiling 2 of 4"), else null */
  loading: string | null;
  playing: boolean;
  /** a bitrate ladder: the rung of the frame on screen (index into renditions, their count, its scale), else null */
  rung?: { index: number; count: number; scale: number } | null;
  /** model tiers: the tier whose SR is on screen (index, count), else null */
  tier?: { index: number; count: number } | null;
}

export interface Badge { text: string; late: boolean }

export function badgeFor(s: ShownState): Badge | null {
  const b = badgeForFrame(s);
  if (!b) return b;
  const tier = s.tier && s.shown === 'sr' && s.shownBy !== 'bicubic' ? ` · tier ${s.tier.index + 1} of ${s.tier.count}` : '';
  const rung = s.rung ? ` · rung ${s.rung.index + 1} of ${s.rung.count} (x${s.rung.scale})` : '';
  return { ...b, text: `${b.text}${tier}${rung}` };
}

function badgeForFrame(s: ShownState): Badge | null {
  if (s.shown === null) return null;
  if (s.selected === 'bicubic' && (s.shown === 'bicubic' || s.shownBy === 'bicubic')) return { text: 'bicubic', late: false };
  if (s.shown === 'sr' && s.shownBy && s.shownBy !== 'bicubic') return { text: `SR (${s.shownBy})`, late: false };
  if (s.loading !== null) return { text: s.loading ? `bicubic: SR loading (${s.loading})` : 'bicubic: SR loading', late: true };
  // playing: SR did not finish this frame before it was due; at rest: its SR is on the way (it replaces it)
  return { text: s.playing ? 'bicubic: SR behind' : 'bicubic: SR on the way', late: true };
}

/** An engine's prepare() progress in a few words for the badge ("compiling pipelines: 2 of 4" -> "compiling 2 of 4"). */
export function loadingWords(message: string): string {
  return message.replace(/^compiling pipelines: /, 'compiling ').replace(/^onnxruntime-web: /, '');
}

/** The views that show SR beside bicubic (compare, lens, the PSNR of SR) say so when the frame on screen has no SR. */
export function srViewHint(view: { compare: boolean; lens: boolean; overlay: string }, s: ShownState): string | null {
  const views = [view.compare && 'compare', view.lens && 'the lens', view.overlay === 'psnr' && 'the PSNR of SR'].filter((v): v is string => !!v);
  if (views.length === 0 || s.shown === null || (s.shown === 'sr' && s.shownBy !== 'bicubic')) return null;
  const subject = views.length === 1 ? `${views[0]} shows` : `${views.slice(0, -1).join(', ')} and ${views[views.length - 1]} show`;
  if (s.selected === 'bicubic') return `${subject} bicubic only: the bicubic engine makes no SR; choose another engine`;
  if (s.loading !== null) return `${subject} SR once the first SR frame is ready`;
  return s.playing ? `${subject} SR on the frames SR keeps up with` : `${subject} SR once this frame's SR is ready`;
}

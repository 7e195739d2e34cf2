// Page helpers shared by the browser tests that drive the demo page's player element.
import type { Page } from '@playwright/test';
import type { DydcaPlayer } from '../src/player/dydca-player.js';

/** Runs `fn` in the page with the demo's player element. */
export function withPlayer<T, A>(page: Page, fn: (p: DydcaPlayer, arg: A) => T | Promise<T>, arg: A): Promise<T> {
  return page.evaluate(async ({ src, arg }) => {
    const p = document.querySelector('dydca-demo-app')!.shadowRoot!.querySelector('dydca-player') as DydcaPlayer;
    // eslint-disable-next-line no-new-func
    return (new Function('p', 'arg', `return (${src})(p, arg);`))(p, arg);
  }, { src: fn.toString(), arg });
}

/** Waits until the demo's player is ready and has shown a frame. */
export async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const p = document.querySelector('dydca-demo-app')?.shadowRoot?.querySelector('dydca-player') as DydcaPlayer | null;
    return p?.isReady === true && p.stats.frame >= 0;
  }, undefined, { timeout: 120_000 });
}

/** The player's canvas content as RGBA bytes (through a 2D canvas, as a user would see it). */
export function canvasPixels(page: Page): Promise<number[]> {
  return withPlayer(page, (p) => {
    const c = p.shadowRoot!.querySelector('canvas')!;
    const c2 = document.createElement('canvas');
    c2.width = c.width; c2.height = c.height;
    const ctx = c2.getContext('2d')!;
    ctx.drawImage(c, 0, 0);
    return Array.from(ctx.getImageData(0, 0, c.width, c.height).data);
  }, null);
}

type Stats = DydcaPlayer['stats'];

/** The demo player's stats now. */
export const playerStats = (page: Page): Promise<Stats> => withPlayer(page, (p) => p.stats, null);

/** Waits until `pred(stats)` holds (a function source evaluated in the page, polled), then returns the stats. */
export async function untilStats(page: Page, pred: string, timeout = 60_000): Promise<Stats> {
  await page.waitForFunction((src) => {
    const p = document.querySelector('dydca-demo-app')?.shadowRoot?.querySelector('dydca-player') as DydcaPlayer | null;
    // eslint-disable-next-line no-new-func
    return p ? (new Function('s', `return (${src})(s);`))(p.stats) === true : false;
  }, pred, { timeout, polling: 100 });
  return playerStats(page);
}

/** A textured LR frame (RGB, and RGBA for the page) that no model maps to bicubic: engines are compared on it. */
export function texturedLr(width: number, height: number): { rgb: Uint8Array; rgba: number[] } {
  const rgb = Uint8Array.from({ length: width * height * 3 }, (_, i) => {
    const p = Math.floor(i / 3), x = p % width, y = Math.floor(p / width), c = i % 3;
    return Math.round(127 + 100 * Math.sin(x * 0.3 + c) * Math.cos(y * 0.2 - c) + 20 * Math.sin(x * y * 0.05));
  });
  return { rgb, rgba: Array.from({ length: width * height * 4 }, (_, i) => (i % 4 === 3 ? 255 : rgb[(i >> 2) * 3 + (i % 4)])) };
}

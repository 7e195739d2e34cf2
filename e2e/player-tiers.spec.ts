// Model tiers (issue 21): the x2 test pack as Dy-DCA packs by default, with a full model (tier 0) and a phone tier
// (tier 1, tier1/model.onnx). On SwiftShader SR is far from real time, so the player's measured headroom picks the
// phone tier while playing; the badge and stats say which tier; the phone tier's SR equals onnxruntime-node's on its
// own model; `tier` fixes one and a change at rest replaces the frame on screen with the new tier's SR.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import type { DydcaPlayer } from '../src/player/dydca-player.js';
import type { PackManifest, PatchesFile } from '../src/format/manifest.js';
import { superResolveFrame } from '../src/pack/patch-inference.js';
import { playerStats, texturedLr, untilStats, waitReady, withPlayer } from './player-page.js';
import { ensureTierPack } from './test-pack.js';

let dir: string;
let m: PackManifest;
test.beforeAll(() => {
  test.setTimeout(300_000);
  dir = ensureTierPack();
  m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as PackManifest;
});

type Stats = DydcaPlayer['stats'];
const stats = playerStats;

const until = (page: Page, pred: string, timeout = 120_000): Promise<Stats> => untilStats(page, pred, timeout);

/** Serves the tier pack under /e2e-tiers/ and opens the demo page on it (compiled engine), paused. */
async function open(page: Page, query = ''): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/e2e-tiers/**', async (route) => {
    const name = new URL(route.request().url()).pathname.slice('/e2e-tiers/'.length);
    try { await route.fulfill({ status: 200, body: readFileSync(join(dir, name)) }); } catch { await route.fulfill({ status: 404, body: 'not found' }); }
  });
  await page.goto(`/?pack=${encodeURIComponent('/e2e-tiers/manifest.json')}&autoplay=0&engine=compiled${query}`);
  await waitReady(page);
  return errors;
}

const srPixels = (page: Page) => withPlayer(page, async (p) => Array.from(await p.readFrame('sr', 'coded')), null);

test('the pack has two tiers; auto runs the phone tier on a GPU too slow for the full model, and its SR equals onnxruntime-node\'s', async ({ page }) => {
  test.setTimeout(400_000);
  expect(m.tiers?.length).toBe(2);
  expect(m.tiers![1].gflopsPerFrame.mean).toBeLessThan(m.tiers![0].gflopsPerFrame.mean);
  const errors = await open(page);
  await withPlayer(page, (p) => {
    (window as unknown as { tierChanges: number[] }).tierChanges = [];
    p.addEventListener('tierchange', (e) => (window as unknown as { tierChanges: number[] }).tierChanges.push((e as CustomEvent<{ tier: number }>).detail.tier));
    p.play();
  }, null);
  // SwiftShader runs a few GFLOP/s: neither tier keeps real time, and the choice steps down to the cheapest at once
  let s = await until(page, '(s) => s.tier === 1');
  expect(s.gflopsPerSecond!).toBeGreaterThan(0);
  expect(await page.evaluate(() => (window as unknown as { tierChanges: number[] }).tierChanges)).toEqual([1]);
  await withPlayer(page, (p) => p.pause(), null);
  s = await until(page, "(s) => s.shown === 'sr' && s.tier === 1");
  expect(s.badge).toBe('SR (compiled) · tier 2 of 2');

  // the phone tier in the page against tier1/model.onnx in onnxruntime-node, on the same textured LR frame and patches
  const { width, height } = m.lr;
  const { rgb: lr, rgba } = texturedLr(width, height);
  const layout = (JSON.parse(readFileSync(join(dir, 'patches.json'), 'utf8')) as PatchesFile).frames[0].map(([x, y, w, h, path]) => ({ x, y, w, h, path }));
  const compare = async (file: string) => {
    const session = await ortNode.InferenceSession.create(readFileSync(join(dir, file)));
    const reference = await superResolveFrame(() => ({ session, scale: m.scale, halo: m.halo }), { width, height, data: lr }, layout);
    await session.release();
    const got = await withPlayer(page, async (p, data: number[]) => Array.from(await p.superResolve(Uint8Array.from(data), 0)), rgba);
    const gotRgb = got.filter((_, i) => i % 4 !== 3);
    let maxDiff = 0;
    for (let i = 0; i < gotRgb.length; i++) maxDiff = Math.max(maxDiff, Math.abs(gotRgb[i] - reference.data[i]));
    return maxDiff;
  };
  const tier1 = await compare(m.tiers![1].model.file);
  const tier0 = await compare(m.model.file);
  console.log(`phone tier in the page vs onnxruntime-node: ${tier1}/255 on ${m.tiers![1].model.file}, ${tier0}/255 on ${m.model.file}`);
  expect(tier1).toBeLessThanOrEqual(1);
  expect(tier0).toBeGreaterThan(1); // it is the phone tier's model that ran, not the full one
  expect(errors).toEqual([]);
});

test('tier="0" holds the full model; tier="1" at rest replaces the frame on screen with the phone tier\'s SR', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = await open(page, '&tier=0');
  let s = await until(page, "(s) => s.shown === 'sr'");
  expect([s.tier, s.badge]).toEqual([0, 'SR (compiled) · tier 1 of 2']);
  // fixed: SR frames while playing do not move it
  await withPlayer(page, (p) => p.play(), null);
  await until(page, '(s) => s.frame >= 6');
  await withPlayer(page, (p) => p.pause(), null);
  s = await until(page, "(s) => s.shown === 'sr'");
  expect(s.tier).toBe(0);
  const full = await srPixels(page);
  await withPlayer(page, (p) => { p.tier = '1'; }, null);
  s = await until(page, "(s) => s.shown === 'sr' && s.tier === 1");
  expect(s.badge).toBe('SR (compiled) · tier 2 of 2');
  const phone = await srPixels(page);
  expect(phone).toHaveLength(full.length);
  expect(phone).not.toEqual(full);
  // a wrong value is said, and the tier stays
  await withPlayer(page, (p) => { p.tier = '7'; }, null);
  await expect(page.locator('dydca-demo-app dydca-player')).toContainText('tier="7": use "auto" or an index 0..1');
  expect((await stats(page)).tier).toBe(1);
  expect(errors).toEqual([]);
});

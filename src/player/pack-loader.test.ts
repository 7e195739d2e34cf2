// The player's trust policy on URLs: files a manifest names stay in its pack folder or on an allowed origin.
import { describe, expect, it } from 'vitest';
import type { PackManifest } from '../format/manifest.js';
import { checkManifestUrl, parseAllowedOrigins, playbackProblems, resolvePackFile } from './pack-loader.js';

const manifestUrl = 'https://site.example/packs/a/manifest.json';
const policy = { allowedOrigins: ['https://cdn.example'] };

describe('resolvePackFile', () => {
  const accepted: [string, string][] = [
    ['lr.mp4', 'https://site.example/packs/a/lr.mp4'],
    ['./sub/model.onnx', 'https://site.example/packs/a/sub/model.onnx'],
    ['sub/../lr.mp4', 'https://site.example/packs/a/lr.mp4'],
    ['lr.mp4?v=2', 'https://site.example/packs/a/lr.mp4?v=2'],
    ['/packs/a/lr.mp4', 'https://site.example/packs/a/lr.mp4'],
    ['https://cdn.example/any/where/lr.mp4', 'https://cdn.example/any/where/lr.mp4'],
  ];
  it.each(accepted)('accepts %s', (file, url) => {
    expect(resolvePackFile(file, 'LR video', manifestUrl, policy)).toBe(url);
  });

  const refused: [string, RegExp][] = [
    ['../b/lr.mp4', /outside the pack's folder https:\/\/site\.example\/packs\/a\//],
    ['../../secret', /resolves to https:\/\/site\.example\/secret, outside/],
    ['%2e%2e/b/lr.mp4', /outside the pack's folder/],
    ['.%2E/b/lr.mp4', /outside the pack's folder/],
    ['..\\b\\lr.mp4', /outside the pack's folder/],
    ['..%2fb%2flr.mp4', /outside the pack's folder/],
    ['sub%5c..%5c..%5cx', /outside the pack's folder/],
    ['/packs/b/lr.mp4', /outside the pack's folder/],
    ['/packs/a', /outside the pack's folder/],
    ['//evil.example/lr.mp4', /on https:\/\/evil\.example, not the pack's origin https:\/\/site\.example.*allowed-origins="https:\/\/evil\.example"/],
    ['http://site.example/packs/a/lr.mp4', /on http:\/\/site\.example, not the pack's origin/],
    ['https://cdn.example.evil/lr.mp4', /allowed-origins="https:\/\/cdn\.example\.evil"/],
    ['data:video/mp4;base64,AAAA', /only http\(s\) files are played \(it is data:\)/],
    ['javascript:alert(1)', /only http\(s\) files are played/],
    ['blob:https://site.example/1234', /only http\(s\) files are played/],
    ['http://[::1', /is not a valid URL/],
  ];
  it.each(refused)('refuses %s', (file, message) => {
    expect(() => resolvePackFile(file, 'LR video', manifestUrl, policy)).toThrow(message);
  });
});

describe('checkManifestUrl', () => {
  const page = 'https://site.example/player/';
  it('takes the page origin and allowed origins, refuses others', () => {
    expect(checkManifestUrl('/packs/a/manifest.json', policy, page)).toBe('https://site.example/packs/a/manifest.json');
    expect(checkManifestUrl('https://cdn.example/p/manifest.json', policy, page)).toBe('https://cdn.example/p/manifest.json');
    expect(() => checkManifestUrl('https://evil.example/manifest.json', policy, page)).toThrow(/another origin than this page's; .*allowed-origins="https:\/\/evil\.example"/);
    expect(() => checkManifestUrl('data:application/json,{}', policy, page)).toThrow(/is not http\(s\)/);
  });
});

describe('parseAllowedOrigins', () => {
  it('reads origins separated by spaces or commas', () => {
    expect(parseAllowedOrigins(' https://a.example  http://b.example:8080,https://c.example/ ')).toEqual(['https://a.example', 'http://b.example:8080', 'https://c.example']);
    expect(parseAllowedOrigins('')).toEqual([]);
    expect(parseAllowedOrigins(null)).toEqual([]);
  });
  it.each(['a.example', 'https://a.example/path', 'ftp://a.example', '*', 'https://'])('refuses %s', (entry) => {
    expect(() => parseAllowedOrigins(entry)).toThrow(/is not an origin; write scheme:\/\/host\[:port\]/);
  });
});

describe('playbackProblems: texture sizes', () => {
  // a padded pack: the picture (hr) is smaller than the coded HR frame (lr x scale) the textures are made at
  const pack = (hr: [number, number], lr: [number, number]): PackManifest => ({
    fps: 20, scale: 2, lr: { width: lr[0], height: lr[1] }, hr: { width: hr[0], height: hr[1] }, model: { paths: [{ id: 0, patch: [16, 16] }] },
  }) as unknown as PackManifest;
  it('checks the coded HR size against the device limit, not only the picture', () => {
    expect(playbackProblems(pack([4090, 2000], [2048, 1008]), 4096)).toEqual([]);
    expect(playbackProblems(pack([4090, 2000], [2050, 1008]), 4096)).toEqual([
      'coded HR frames are 4100x2016; this GPU device takes textures up to 4096px a side. Use a pack with a smaller resolution',
    ]);
  });
});

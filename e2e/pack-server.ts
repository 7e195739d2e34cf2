// A real HTTP server on 127.0.0.1 for the streaming tests: the built player (dist/) and packs, same origin, with
// the faults a real network and real servers have, switched per test: a file that stalls mid-body with the
// connection left open, a slow link (bytes per second), HTTP errors for one file, no Range support, a wrong
// Content-Type. Every request is logged (path, status, bytes sent) so tests can assert what was fetched.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';

export interface Fault {
  /** answer this status instead (the first `times` requests; all when absent) */
  status?: number;
  times?: number;
  /** send this many bytes, then nothing more, the connection left open (the first `times` requests) */
  stallAfterBytes?: number;
  /** bytes per second for the body */
  bytesPerSecond?: number;
  /** wait before answering, ms */
  delayMs?: number;
}

export interface LoggedRequest { path: string; status: number; bytes: number; range: string | null }

const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.mp4': 'video/mp4',
  '.m4s': 'video/iso.segment', '.m3u8': 'application/vnd.apple.mpegurl', '.onnx': 'application/octet-stream', '.wasm': 'application/wasm',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.mjs': 'text/javascript',
};

export class PackServer {
  readonly log: LoggedRequest[] = [];
  private faultList: [string, Fault][] = [];
  /** faults by path prefix (first match wins), e.g. `/long/lr/00003.m4s` or `/long/lr/`; `times` counts from when they are set */
  get faults(): [string, Fault][] { return this.faultList; }
  set faults(list: [string, Fault][]) { this.faultList = list; this.served.clear(); }
  rangeSupport = true;
  /** bodies served in place of files, by path (e.g. an edited manifest.json) */
  readonly replaced = new Map<string, string>();
  /** every pack file (the mounts) answered with this Content-Type (a misconfigured server) */
  contentType: string | null = null;
  private readonly served = new Map<string, number>();
  private readonly open = new Set<ServerResponse>();
  private server: Server | null = null;
  port = 0;

  /** `mounts`: URL prefix -> folder (e.g. `/long/` -> a pack); everything else from `site` (the built player). */
  constructor(private readonly site: string, private readonly mounts: Record<string, string>) {}

  get origin(): string { return `http://localhost:${this.port}`; }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Bytes of bodies sent for paths starting with `prefix` (after `since`, an index into the log). */
  bytesSent(prefix: string, since = 0): number {
    return this.log.slice(since).filter((l) => l.path.startsWith(prefix)).reduce((n, l) => n + l.bytes, 0);
  }

  requests(prefix: string, since = 0): LoggedRequest[] { return this.log.slice(since).filter((l) => l.path.startsWith(prefix)); }

  private file(path: string): string | null {
    for (const [prefix, dir] of Object.entries(this.mounts)) {
      if (path.startsWith(prefix)) return this.inside(dir, path.slice(prefix.length));
    }
    const f = this.inside(this.site, path === '/' ? 'index.html' : path.slice(1));
    return f;
  }

  private inside(dir: string, rel: string): string | null {
    const f = resolve(dir, normalize(decodeURIComponent(rel)));
    return f.startsWith(resolve(dir)) && existsSync(f) && statSync(f).isFile() ? f : null;
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const entry: LoggedRequest = { path, status: 200, bytes: 0, range: req.headers.range ?? null };
    this.log.push(entry);
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    const n = (this.served.get(path) ?? 0) + 1;
    this.served.set(path, n);
    const fault = this.faults.find(([p]) => path.startsWith(p))?.[1] ?? {};
    const active = fault.times === undefined || n <= fault.times;
    if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault.status && active) {
      entry.status = fault.status;
      res.writeHead(fault.status, { 'content-type': 'text/plain' }).end(`fault ${fault.status}`);
      return;
    }
    const replacement = this.replaced.get(path);
    if (replacement !== undefined) {
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'content-length': Buffer.byteLength(replacement) }).end(replacement);
      entry.bytes = Buffer.byteLength(replacement);
      return;
    }
    const file = this.file(path);
    const inPack = Object.keys(this.mounts).some((p) => path.startsWith(p));
    if (!file) { entry.status = 404; res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
    const size = statSync(file).size;
    let start = 0, end = size - 1;
    const range = this.rangeSupport ? /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '') : null;
    const headers: Record<string, string | number> = {
      'content-type': (inPack ? this.contentType : null) ?? TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store',
      ...(this.rangeSupport ? { 'accept-ranges': 'bytes' } : {}),
    };
    if (range) {
      start = Number(range[1]);
      end = range[2] ? Math.min(size - 1, Number(range[2])) : size - 1;
      entry.status = 206;
      res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': end - start + 1 });
    } else res.writeHead(200, { ...headers, 'content-length': size });
    if (req.method === 'HEAD') { res.end(); return; }
    const stallAt = active && fault.stallAfterBytes !== undefined ? fault.stallAfterBytes : Infinity;
    const rate = fault.bytesPerSecond ?? Infinity;
    const stream = createReadStream(file, { start, end, highWaterMark: 16 * 1024 });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let buf = chunk;
      while (buf.length > 0) {
        if (res.destroyed) { stream.destroy(); return; }
        const room = stallAt - entry.bytes;
        if (room <= 0) { stream.destroy(); return; } // stall: the connection stays open, nothing more comes
        const piece = buf.subarray(0, Math.min(buf.length, room, Number.isFinite(rate) ? Math.max(1, Math.floor(rate / 20)) : buf.length));
        res.write(piece);
        entry.bytes += piece.length;
        buf = buf.subarray(piece.length);
        if (Number.isFinite(rate)) await new Promise((r) => setTimeout(r, (1000 * piece.length) / rate));
      }
    }
    res.end();
  }
}

/** The folder the Playwright web server builds the player into (playwright.config.ts). */
export function builtSite(root: string): string {
  const port = Number(process.env.E2E_PORT ?? 4173);
  return join(root, port === 4173 ? 'dist' : `dist-e2e-${port}`);
}

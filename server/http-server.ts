import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Backend, toServiceError } from '../db/backend.js';
import { openDatabase, type DB } from '../db/open.js';
import type { AuthOptions } from '../db/auth.js';
import { ServiceError, httpStatusOf } from '../shared/errors.js';
import { DESKTOP_ORIGIN } from '../shared/bridge.js';
import { cleanStaleExportDirs } from '../db/services/export.js';
import { MessageServer } from './messages.js';
import { startLiveUpdates, type LiveUpdatesOptions } from './live-updates.js'; // live updates (issue 10)
import { serveStatic } from './static-files.js';
import { serveExportFile } from './export-download.js';
import { parseParams } from './params.js';
import { defaultPoolSize, ReadPool } from './read-pool.js';
import { enableMemorySearch, type MemorySearch } from '../db/search/memory-index.js';

const MAX_BODY_BYTES = 1024 * 1024;
export { MAX_JSON_DEPTH, jsonDepthExceeds } from './params.js';

export interface ServerOptions {
  dbFile: string;
  port: number;
  host?: string;
  /** Folder of the built renderer; omitted → API only. */
  staticDir?: string;
  auth?: Partial<AuthOptions>;
  /** Browser origins besides the server's own allowed to call the API (CORS). */
  allowedOrigins?: string[];
  log?: (message: string) => void;
  /**
   * Worker threads serving the read methods, each on its own read-only connection (default: one
   * per core, at most 4); 0 serves everything on the main thread. Off when `auth.now` is given
   * (a test's clock cannot be shared with other threads).
   */
  readWorkers?: number;
  /** Nice value of the read workers on Linux (default READ_NICE: requests and writes come first). */
  readNice?: number;
  /** Memory-mapped reads of each read worker's connection, bytes (default READ_MMAP_BYTES: none). */
  readMmapBytes?: number;
  /**
   * The big lists' folded search fields held in memory by each reading connection (default true;
   * db/search/memory-index.ts): about 0.4 GB per read worker at 10⁶ orders, built in the background.
   */
  memorySearch?: boolean;
  /** Lists with fewer rows are left to SQLite (default MEMORY_MIN_ROWS; tests load every list). */
  memoryMinRows?: number;
  /** Live updates on the message socket: change-log polling and the overdue check (server/live-updates.ts). */
  live?: LiveUpdatesOptions;
}

export interface RunningServer {
  url: string;
  port: number;
  backend: Backend;
  messages: MessageServer;
  /** The read pool, or null when reads run on the main thread. */
  pool: ReadPool | null;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** A 200 answer whose JSON text a read-pool worker already made. */
function sendJsonText(res: ServerResponse, text: string): void {
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function sendError(res: ServerResponse, err: ServiceError): void {
  if (err.code === 'LOGIN_THROTTLED' && err.retryAfterSeconds) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  sendJson(res, httpStatusOf[err.code], err.toBody());
}

/** The client closed the connection before its request was read: nothing to answer, not a bug. */
export class RequestAborted extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('aborted', () => reject(new RequestAborted('The client closed the connection while sending the request.')));
    req.on('close', () => {
      if (!req.complete) reject(new RequestAborted('The client closed the connection while sending the request.'));
    });
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ServiceError('PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES} bytes.`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      // "aborted" / ECONNRESET: the client went away mid-request.
      reject(err.code === 'ECONNRESET' || err.message === 'aborted' ? new RequestAborted(err.message) : err);
    });
  });
}

/** Whether a Content-Type header names JSON (`application/json`, parameters such as charset allowed). */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(';')[0].trim().toLowerCase() === 'application/json';
}

function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1] : null;
}

/**
 * Origins other than the server's own that may call the API from a browser: the desktop window,
 * served by Electron at app://pim. Anything else an administrator lists with --allow-origin.
 * Never `null` (sandboxed iframes and data: pages of any site send it) and never a wildcard:
 * either would let any web page the user visits use the API.
 */
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = [DESKTOP_ORIGIN];

/**
 * Checks origins given for CORS: each must be a named origin (`scheme://host[:port]`, no path);
 * `null`, `*` and anything else are refused with a sentence saying why.
 */
export function checkAllowedOrigins(origins: readonly string[]): string[] {
  return origins.map((raw) => {
    const origin = raw.trim().replace(/\/$/, '');
    if (origin === 'null' || origin === '*' || origin === 'file://') {
      throw new Error(`"${raw}" cannot be an allowed origin: any web page (a sandboxed frame, a data: page, a file) can send it. Name the origin, e.g. http://host:8610.`);
    }
    if (!/^[a-z][a-z0-9+.-]*:\/\/[^/\s?#]+$/i.test(origin)) {
      throw new Error(`"${raw}" is not an origin: give scheme, host and port only, e.g. http://host:8610.`);
    }
    return origin.toLowerCase();
  });
}

function setCors(req: IncomingMessage, res: ServerResponse, origins: Set<string>): void {
  const origin = req.headers.origin;
  if (!origin || !origins.has(origin)) return;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  res.setHeader('Access-Control-Max-Age', '600');
}

function parseUrl(raw: string | undefined): URL | null {
  try {
    return new URL(raw ?? '/', 'http://x');
  } catch {
    return null;
  }
}

/** An error of the connection itself (the client went away), not of our code. */
function isConnectionError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}

/** The request path for a log line: no query (tokens), at most 200 characters. */
function safePath(raw: string | undefined): string {
  return (raw ?? '').split('?')[0].slice(0, 200);
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}

function loopbackHost(header: string | undefined): boolean {
  if (!header) return false;
  const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.replace(/:\d+$/, '');
  return name === 'localhost' || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

async function handleApi(backend: Backend, pool: ReadPool | null, req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
  if (req.method === 'OPTIONS') {
    res.writeHead(204).end();
    return;
  }
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    sendError(res, new ServiceError('METHOD_NOT_ALLOWED', 'Service methods are called with POST and a JSON body.'));
    return;
  }
  // JSON only, checked before anything is read or done: a cross-site page can send a text/plain
  // or form post without asking (no preflight), but never an application/json one.
  if (!isJsonContentType(req.headers['content-type'])) {
    throw new ServiceError('UNSUPPORTED_MEDIA_TYPE', 'Send the params as JSON with the header Content-Type: application/json.');
  }
  const text = await readBody(req);
  const caller = { address: req.socket.remoteAddress ?? '' };
  // Reads go to the pool as text: a worker parses, checks and answers them exactly as below.
  if (pool?.serves(method)) {
    sendJsonText(res, await pool.call(method, text, bearerToken(req), caller.address));
    return;
  }
  const params = parseParams(text);
  const result = await backend.call(method, params, bearerToken(req), caller);
  sendJson(res, 200, result);
}

/** Starts the multi-desk server: the contract over HTTP, messages over WebSocket, the client. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? ((m: string) => console.log(m));
  const origins = new Set(checkAllowedOrigins(options.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS));
  // Export files of server processes that ended without cleaning up (a crash, a kill).
  for (const dir of cleanStaleExportDirs()) log(`removed leftover export files: ${dir}`);
  const db: DB = openDatabase(options.dbFile);
  const backend = new Backend(db, { auth: options.auth });
  const messages = new MessageServer(backend.auth);
  const live = startLiveUpdates(backend, messages, { log, ...options.live }); // live updates (issue 10)
  // Reads on worker threads, writes here on the one writing connection.
  // (An in-memory database is this connection's own: no other connection can read it.)
  const poolSize = options.auth?.now || options.dbFile === ':memory:' || options.dbFile === '' ? 0 : (options.readWorkers ?? defaultPoolSize());
  let pool: ReadPool | null = null;
  if (poolSize > 0) {
    const { now: _now, extendSession: _extend, ...auth } = options.auth ?? {};
    try {
      pool = await ReadPool.start({
        dbFile: options.dbFile,
        size: poolSize,
        auth,
        nice: options.readNice,
        mmapBytes: options.readMmapBytes,
        memorySearch: options.memorySearch,
        memoryMinRows: options.memoryMinRows,
        onExtend: (id, expiresAt) => backend.auth.extendSession(id, expiresAt),
        log,
      });
    } catch (err) {
      // Still a working server, only slower: every call on the main thread.
      log(`read pool not started, reads run on the main thread: ${(err as Error)?.message ?? err}`);
    }
  }

  // Without workers the main thread's connection reads, and holds the search fields itself.
  const fileBacked = options.dbFile !== ':memory:' && options.dbFile !== '';
  let memory: MemorySearch | null = null;
  if (!pool && fileBacked && options.memorySearch !== false) {
    memory = enableMemorySearch(db, { minRows: options.memoryMinRows });
    memory.buildInBackground(10, ({ ms, bytes }) => bytes > 0 && log(`search text in memory after ${(ms / 1000).toFixed(1)} s, ${(bytes / 2 ** 20).toFixed(0)} MiB`));
  }

  const loopbackOnly = isLoopback(options.host ?? '127.0.0.1');

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = parseUrl(req.url);
    if (!url) throw new ServiceError('NOT_FOUND', 'The request path cannot be read.');
    // A server bound to loopback answers only to loopback names: a web page that rebinds its own
    // DNS name to 127.0.0.1 must not reach the local database.
    if (loopbackOnly && !loopbackHost(req.headers.host)) {
      throw new ServiceError('FORBIDDEN', 'This server only answers requests addressed to 127.0.0.1 or localhost.');
    }
    const api = /^\/api\/([^/]+)$/.exec(url.pathname);
    if (api) {
      setCors(req, res, origins);
      let method: string;
      try {
        method = decodeURIComponent(api[1]);
      } catch {
        throw new ServiceError('UNKNOWN_METHOD', 'The method name in the path is not valid.');
      }
      await handleApi(backend, pool, req, res, method);
      return;
    }
    const exportFile = /^\/api\/export\/([A-Za-z0-9_-]{1,64})\/file$/.exec(url.pathname);
    if (exportFile) {
      setCors(req, res, origins);
      const outcome = await serveExportFile(backend, req, res, exportFile[1], bearerToken(req));
      if (outcome === 'aborted') log(`request aborted by the client: ${req.method} ${url.pathname} (the file is deleted)`);
      return;
    }
    if (url.pathname.startsWith('/api')) {
      setCors(req, res, origins);
      throw new ServiceError('NOT_FOUND', 'Service methods are at POST /api/<method>.');
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && options.staticDir) {
      serveStatic(options.staticDir, req, res);
      return;
    }
    throw new ServiceError('NOT_FOUND', `Nothing at ${url.pathname}.`);
  };

  const server: Server = createServer((req, res) => {
    route(req, res).catch((err) => {
      // A client that went away is not a bug: one line, no stack, nothing to answer.
      if (err instanceof RequestAborted || (req.socket.destroyed && isConnectionError(err))) {
        log(`request aborted by the client: ${req.method} ${safePath(req.url)}`);
        res.destroy();
        return;
      }
      if (!res.headersSent) sendError(res, toServiceError(err, (e) => log(`internal error: ${(e as Error)?.stack ?? e}`)));
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    try {
      const url = parseUrl(req.url);
      if (url?.pathname === '/ws' && (!loopbackOnly || loopbackHost(req.headers.host))) messages.handleUpgrade(req, socket, head);
      else socket.destroy();
    } catch (err) {
      log(`websocket upgrade failed: ${(err as Error)?.message ?? err}`);
      socket.destroy();
    }
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    live.close();
    messages.close();
    memory?.stop();
    await pool?.close();
    db.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    backend,
    messages,
    pool,
    close: () =>
      new Promise<void>((resolve) => {
        void backend.exports.close();
        live.close();
        messages.close();
        memory?.stop();
        server.closeAllConnections();
        server.close(() => {
          void (pool?.close() ?? Promise.resolve()).then(() => {
            db.close();
            resolve();
          });
        });
      }),
  };
}

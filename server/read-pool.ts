import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AuthOptions } from '../db/auth.js';
import type { MethodName } from '../shared/contract.js';
import { ServiceError, type ErrorBody } from '../shared/errors.js';

/**
 * The contract's read-only methods: they change nothing in the database (a due session
 * extension aside, which the main thread writes), so the read pool may serve them. Everything
 * else — logins, logouts, writes, export jobs (state of the main thread) — stays on the main
 * thread and its one writing connection.
 */
export const POOL_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  'auth.me',
  'dispatch.query',
  'dispatch.get',
  'dispatch.suggestWarranty',
  'content.query',
  'fees.query',
  'contracts.query',
  'regions.tree',
  'taskTypes.list',
  'engineers.list',
  'parts.query',
  'parts.options',
  'warehouses.list',
  'stock.query',
  'ledger.query',
  'stock.balance',
  'serials.find',
  'documents.get',
  'issues.query',
  'issues.fromPlan',
  'returns.query',
  'materials.query',
  'materials.get',
  'owed.query',
  'layout.get',
]);

/** The numeric auth options a worker needs (functions do not cross threads). */
export type PoolAuthOptions = Partial<Omit<AuthOptions, 'now' | 'extendSession'>>;

export interface PoolWorkerData {
  dbFile: string;
  auth: PoolAuthOptions;
  /** Nice value of the worker threads (Linux): above the main thread's, so writes come first. */
  nice: number;
  /** Memory-mapped reads, up to this many bytes of the file (0: none). */
  mmapBytes: number;
  /** The big lists' folded search fields held in memory (db/search/memory-index.ts). */
  memorySearch: boolean;
  /** Lists with fewer rows are left to SQLite (default MEMORY_MIN_ROWS; tests load every list). */
  memoryMinRows?: number;
}

export interface PoolRequest {
  id: number;
  method: string;
  /** The request body as received: the worker parses it (same errors as the main thread). */
  text: string;
  token: string | null;
  address: string;
}

/** What a worker is sent: calls it answers in one read transaction (identical list queries, or one call). */
export interface PoolBatch {
  batch: PoolRequest[];
}

/** What a worker answers: one reply per call of the batch, and the time it spent on the batch. */
export interface PoolBatchReply {
  replies: PoolReply[];
  ms: number;
  /** CPU time the worker's thread used for it (ms). */
  cpuMs: number;
}

export type PoolReply = {
  id: number;
  extend: [string, string] | null;
} & (
  | { ok: true; json: string }
  | { ok: false; error: ErrorBody }
  | { ok: false; internal: string }
);

export interface ReadPoolOptions {
  dbFile: string;
  /** Worker threads, each with its own read-only connection. */
  size: number;
  auth?: PoolAuthOptions;
  /** Nice value of the workers on Linux (default READ_NICE; 0 = as the main thread). */
  nice?: number;
  /** Memory-mapped reads per worker connection (default READ_MMAP_BYTES; 0: none). */
  mmapBytes?: number;
  /** Each worker holds the big lists' search fields in memory (default true). */
  memorySearch?: boolean;
  memoryMinRows?: number;
  /** Writes a session extension a worker found due (on the main thread's connection). */
  onExtend: (id: string, expiresAt: string) => void;
  log: (message: string) => void;
}

/** Two cores → two workers; never more than four (SQLite reads scale no further here). */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

interface Job {
  request: PoolRequest;
  resolve: (json: string) => void;
  reject: (err: unknown) => void;
  queuedAt: number;
}

interface Slot {
  worker: Worker;
  /** The calls the worker is answering, or null when idle. */
  jobs: Job[] | null;
  ready: boolean;
}

/** Identical list queries answered together at most (one query, one snapshot, each call checked). */
export const MAX_BATCH = 64;

/** How much lower than the main thread reads run (Linux nice, per thread). */
export const READ_NICE = 5;

/**
 * Memory-mapped reads of the worker connections: none by default. A mapped read is cheaper than a
 * copied one while nothing changes (a plain list's count 13 ms instead of 77 at 200,000 orders),
 * but SQLite drops a reader's whole map at its first transaction after another connection's
 * commit, and mapping it again page by page costs more than it saves once writes come every few
 * reads (the load benchmark: query p95 404 ms mapped, 109 ms not; the server's CPU 1.46 cores
 * against 0.88). `readMmapBytes` turns it on for a database that is mostly read.
 */
export const READ_MMAP_BYTES = 0;

const WORKER_ENTRY = new URL('./read-pool-worker.mjs', import.meta.url);

/**
 * A pool of worker threads serving the read methods, so reads use every core and never wait
 * behind each other on the main thread. Calls wait in two queues, each first come first served:
 * list queries (`*.query`: first rows and a count over a whole list, tens of ms) and everything
 * else (one order, one document, a reference list, `auth.me`: a few ms), which goes first — a
 * desk opening an order never waits behind a row of searches. Each call goes to the next idle
 * worker, and with a list query go the identical ones (same method, same body) waiting behind
 * it: the worker checks each caller as Backend.call does and runs the query once, in a snapshot
 * taken after all of them arrived — so a backlog of desks pressing F5 on the same list drains at
 * once. A worker that dies fails its calls with INTERNAL (logged) and is replaced.
 */
export class ReadPool {
  private readonly slots: Slot[] = [];
  /** Waiting calls: quick ones (served first) and list queries. */
  private readonly quick: Job[] = [];
  private readonly lists: Job[] = [];
  private nextId = 1;
  private closing = false;
  /** Calls served, batches (calls answered together), the time calls waited for a worker and workers spent on batches (ms): for the benchmark. */
  served = 0;
  batches = 0;
  waitedMs = 0;
  workedMs = 0;
  cpuMs = 0;

  private memoryLoaded = 0;
  private readonly memoryWaiters: (() => void)[] = [];

  private constructor(private readonly options: ReadPoolOptions) {}

  /** Resolves when every worker holds its search text in memory (at once when they hold none). */
  memoryReady(): Promise<void> {
    if (this.options.memorySearch === false || this.memoryLoaded >= this.slots.length) return Promise.resolve();
    return new Promise((resolve) => this.memoryWaiters.push(resolve));
  }

  static async start(options: ReadPoolOptions): Promise<ReadPool> {
    const pool = new ReadPool(options);
    try {
      await Promise.all(Array.from({ length: Math.max(1, options.size) }, () => pool.spawn()));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Whether the pool answers this method. */
  serves(method: string): boolean {
    return POOL_METHODS.has(method as MethodName);
  }

  /** Calls a read method; resolves the result as JSON text, rejects with a ServiceError. */
  call(method: string, text: string, token: string | null, address: string): Promise<string> {
    if (this.closing) return Promise.reject(new ServiceError('UNAVAILABLE', 'The server is shutting down.'));
    return new Promise<string>((resolve, reject) => {
      const job = { request: { id: this.nextId++, method, text, token, address }, resolve, reject, queuedAt: performance.now() };
      (method.endsWith('.query') ? this.lists : this.quick).push(job);
      this.dispatch();
    });
  }

  /** Total-cache hits and misses over all workers. */
  async cacheStats(): Promise<{ hits: number; misses: number }> {
    const all = await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<{ hits: number; misses: number }>((resolve) => {
            const onMessage = (m: { stats?: { hits: number; misses: number } }) => {
              if (!m.stats) return;
              slot.worker.off('message', onMessage);
              resolve(m.stats);
            };
            slot.worker.on('message', onMessage);
            slot.worker.postMessage({ stats: true });
          }),
      ),
    );
    return all.reduce((a, b) => ({ hits: a.hits + b.hits, misses: a.misses + b.misses }), { hits: 0, misses: 0 });
  }

  async close(): Promise<void> {
    this.closing = true;
    const stopping = () => new ServiceError('UNAVAILABLE', 'The server is shutting down.');
    for (const job of [...this.quick.splice(0), ...this.lists.splice(0)]) job.reject(stopping());
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      for (const job of slot.jobs ?? []) job.reject(stopping());
      slot.jobs = null;
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Promise<void> {
    const data: PoolWorkerData = {
      dbFile: this.options.dbFile,
      auth: this.options.auth ?? {},
      nice: this.options.nice ?? READ_NICE,
      mmapBytes: this.options.mmapBytes ?? READ_MMAP_BYTES,
      memorySearch: this.options.memorySearch ?? true,
      memoryMinRows: this.options.memoryMinRows,
    };
    const worker = new Worker(WORKER_ENTRY, { workerData: data });
    const slot: Slot = { worker, jobs: null, ready: false };
    this.slots.push(slot);
    let failure: Error | null = null;
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: PoolBatchReply | { ready: true } | { stats: unknown } | { memoryReady: { ms: number; bytes: number } }) => {
        if ('memoryReady' in message) {
          const { ms, bytes } = message.memoryReady;
          if (bytes > 0) this.options.log(`read pool worker: search text in memory after ${(ms / 1000).toFixed(1)} s, ${(bytes / 2 ** 20).toFixed(0)} MiB`);
          this.memoryLoaded++;
          if (this.memoryLoaded >= this.slots.length) for (const r of this.memoryWaiters.splice(0)) r();
          return;
        }
        if ('ready' in message) {
          slot.ready = true;
          resolve();
          this.dispatch();
          return;
        }
        if ('replies' in message) this.finish(slot, message);
      });
      worker.on('error', (err) => {
        failure = err;
        if (slot.ready) this.options.log(`read pool worker failed: ${err?.stack ?? err}`);
      });
      worker.on('exit', (code) => {
        const index = this.slots.indexOf(slot);
        if (index >= 0) this.slots.splice(index, 1);
        const jobs = slot.jobs;
        slot.jobs = null;
        if (jobs) {
          this.options.log(`read pool worker exited (code ${code}) during ${jobs[0].request.method}`);
          for (const job of jobs) job.reject(new ServiceError('INTERNAL', 'An internal error occurred. It has been logged on the server.'));
        }
        if (!slot.ready) {
          reject(new Error(`A read pool worker could not start: ${failure?.message ?? `exit code ${code}`}`));
          return;
        }
        // A worker that had served is replaced; one that never started is not retried.
        if (!this.closing) this.spawn().catch((err) => this.options.log(`read pool worker not replaced: ${(err as Error).message}`));
        if (this.slots.length === 0) {
          for (const queued of [...this.quick.splice(0), ...this.lists.splice(0)]) {
            queued.reject(new ServiceError('INTERNAL', 'An internal error occurred. It has been logged on the server.'));
          }
        }
      });
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.quick.length === 0 && this.lists.length === 0) return;
      if (!slot.ready || slot.jobs) continue;
      const first = (this.quick.length ? this.quick : this.lists).shift()!;
      const jobs = [first];
      if (first.request.method.endsWith('.query')) {
        // The identical list queries waiting behind it go with it.
        for (let i = 0; i < this.lists.length && jobs.length < MAX_BATCH; ) {
          const other = this.lists[i];
          if (other.request.method === first.request.method && other.request.text === first.request.text) {
            jobs.push(other);
            this.lists.splice(i, 1);
          } else i++;
        }
      }
      slot.jobs = jobs;
      const now = performance.now();
      for (const job of jobs) this.waitedMs += now - job.queuedAt;
      const message: PoolBatch = { batch: jobs.map((j) => j.request) };
      slot.worker.postMessage(message);
    }
  }

  private finish(slot: Slot, answer: PoolBatchReply): void {
    const jobs = slot.jobs ?? [];
    slot.jobs = null;
    this.dispatch();
    this.batches++;
    this.workedMs += answer.ms;
    this.cpuMs += answer.cpuMs;
    const byId = new Map(answer.replies.map((r) => [r.id, r]));
    for (const job of jobs) {
      const reply = byId.get(job.request.id);
      this.served++;
      if (!reply) {
        job.reject(new ServiceError('INTERNAL', 'An internal error occurred. It has been logged on the server.'));
        continue;
      }
      if (reply.extend) {
        try {
          this.options.onExtend(reply.extend[0], reply.extend[1]);
        } catch (err) {
          // The session stays valid till its stored expiry; the next call tries again.
          this.options.log(`session extension not written: ${(err as Error)?.message ?? err}`);
        }
      }
      if (reply.ok) job.resolve(reply.json);
      else if ('error' in reply) job.reject(ServiceError.fromBody(reply.error) ?? new ServiceError('INTERNAL', 'An internal error occurred.'));
      else {
        this.options.log(`internal error: ${reply.internal}`);
        job.reject(new ServiceError('INTERNAL', 'An internal error occurred. It has been logged on the server.'));
      }
    }
  }
}

import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { Backend } from '../db/backend.js';
import { openDatabase } from '../db/open.js';
import { enableMemorySearch } from '../db/search/memory-index.js';
import type { AuthOptions } from '../db/auth.js';
import { ServiceError } from '../shared/errors.js';
import type { MethodName } from '../shared/contract.js';
import type { QueryRequest } from '../shared/query.js';
import { parseParams } from './params.js';
import { cachedModuleQuery, TotalCache, totalCachedLists } from './total-cache.js';
import type { PoolBatch, PoolBatchReply, PoolReply, PoolRequest, PoolWorkerData } from './read-pool.js';

// One worker of the read pool: its own read-only connection (opened through openDatabase, so it
// has the same SQL functions as the writer's) and a Backend over it, of which only the read
// methods are called. Backend.call does what it does on the main thread — authentication, the
// role check, params against the contract — so the answers and errors are the same. The only
// difference: a due extension of the session's expiry is handed back to the main thread, whose
// connection writes.

const data = workerData as PoolWorkerData;
// Reads yield to the main thread, which answers every request, and writes: a write (a few ms)
// then never waits for a core behind two long counts. Linux keeps a nice value per thread;
// elsewhere it would lower the whole process, so it is left alone there.
if (process.platform === 'linux' && data.nice > 0) {
  try {
    // Relative to the main thread's (a worker starts with it): a server started at nice n reads at n + nice.
    setPriority(Math.min(19, getPriority() + data.nice));
  } catch {
    // Not allowed here: reads and the main thread then share the cores equally.
  }
}
const db = openDatabase(data.dbFile, { readonly: true });
// Memory-mapped reads when asked (see READ_MMAP_BYTES: off by default). Read-only, so only reads
// go through the map; SQLite caps it at its built-in maximum. The database file is never
// truncated under a running server (restore refuses a database in use).
if (data.mmapBytes > 0) db.pragma(`mmap_size = ${Math.floor(data.mmapBytes)}`);
// The big lists' search fields, loaded a step at a time between batches; until a list is loaded
// its searches run on the tables.
if (data.memorySearch) enableMemorySearch(db, { minRows: data.memoryMinRows }).buildInBackground(10, (loaded) => parentPort!.postMessage({ memoryReady: loaded }));
let extension: [string, string] | null = null;
const auth: Partial<AuthOptions> = {
  ...data.auth,
  extendSession: (id, expiresAt) => {
    extension = [id, expiresAt];
  },
};
const backend = new Backend(db, { auth });

// The list queries take their exact totals from the cache while nothing was committed, and run
// once for identical calls answered together (the same params after the contract's parsing; a
// list query's answer does not depend on who asks). Everything before the handler — the session,
// the role, the params — is Backend.call's, for each call.
const cache = new TotalCache(db);
let answers = new Map<string, unknown>();
type AnyHandler = (params: unknown, ctx: unknown) => unknown;
const handlers = (backend as unknown as { handlers: Record<string, AnyHandler> }).handlers;
for (const [method, def] of Object.entries(totalCachedLists)) {
  if (!def || typeof handlers[method] !== 'function') throw new Error(`The read pool cannot serve ${method}.`);
  handlers[method] = (params) => {
    const key = `${method}\n${JSON.stringify(params)}`;
    if (answers.has(key)) return answers.get(key);
    const answer = cachedModuleQuery(db, def, cache, params as QueryRequest);
    answers.set(key, answer);
    return answer;
  };
}
// The JSON of an answer shared by several calls is made once.
let texts = new WeakMap<object, string>();

async function answer(request: PoolRequest): Promise<PoolReply> {
  extension = null;
  try {
    const params = parseParams(request.text);
    const result = await backend.call(request.method as MethodName, params, request.token, { address: request.address });
    let json = typeof result === 'object' && result !== null ? texts.get(result) : undefined;
    if (json === undefined) {
      json = JSON.stringify(result);
      if (typeof result === 'object' && result !== null) texts.set(result, json);
    }
    return { id: request.id, ok: true, json, extend: extension };
  } catch (err) {
    if (err instanceof ServiceError) return { id: request.id, ok: false, error: err.toBody(), extend: extension };
    return { id: request.id, ok: false, internal: (err as Error)?.stack ?? String(err), extend: extension };
  }
}

/** This thread's CPU time in ms (Node ≥ 22.? has it; 0 where it does not). */
const threadCpu = (process as unknown as { threadCpuUsage?: () => { user: number; system: number } }).threadCpuUsage;
const cpuMs = () => {
  if (!threadCpu) return 0;
  const u = threadCpu.call(process);
  return (u.user + u.system) / 1000;
};

async function serve(message: PoolBatch): Promise<PoolBatchReply> {
  const started = performance.now();
  const cpuStarted = cpuMs();
  answers = new Map();
  texts = new WeakMap();
  // One read transaction per batch: the rows, the total and the data version the total is filed
  // under all come from one snapshot, taken after every call of the batch arrived.
  db.exec('BEGIN');
  try {
    cache.begin();
    const replies: PoolReply[] = [];
    for (const request of message.batch) replies.push(await answer(request));
    return { replies, ms: performance.now() - started, cpuMs: cpuMs() - cpuStarted };
  } finally {
    if (db.inTransaction) db.exec('COMMIT');
    answers = new Map();
  }
}

// Batches are served one at a time, in the order they came.
let chain: Promise<void> = Promise.resolve();
parentPort!.on('message', (message: PoolBatch | { stats: true }) => {
  if ('stats' in message) {
    parentPort!.postMessage({ stats: { hits: cache.hits, misses: cache.misses } });
    return;
  }
  chain = chain.then(async () => {
    let reply: PoolBatchReply;
    try {
      reply = await serve(message);
    } catch (err) {
      // BEGIN/COMMIT failed (the database went away): every call of the batch is an internal error.
      const internal = (err as Error)?.stack ?? String(err);
      reply = { replies: message.batch.map((r) => ({ id: r.id, ok: false as const, internal, extend: null })), ms: 0, cpuMs: 0 };
    }
    parentPort!.postMessage(reply);
  });
});
parentPort!.postMessage({ ready: true });

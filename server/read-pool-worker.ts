import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { Backend } from '../db/backend.js';
import { openDatabase } from '../db/open.js';
import type { AuthOptions } from '../db/auth.js';
import { ServiceError } from '../shared/errors.js';
import type { MethodName } from '../shared/contract.js';
import type { QueryRequest } from '../shared/query.js';
import { parseParams } from './params.js';
import { cachedModuleQuery, TotalCache, totalCachedLists } from './total-cache.js';
import type { PoolReply, PoolRequest, PoolWorkerData } from './read-pool.js';

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
// Pages read straight from the OS's file cache (memory-mapped) instead of copied in by a system
// call each: list queries read many pages, and the connection's own page cache is emptied
// whenever another connection commits. Read-only, so only reads go through the map; SQLite caps
// it at its built-in maximum (2 GiB here), beyond which pages are read as before. The database
// file is never truncated under a running server (restore refuses a database in use).
if (data.mmapBytes > 0) db.pragma(`mmap_size = ${Math.floor(data.mmapBytes)}`);
let extension: [string, string] | null = null;
const auth: Partial<AuthOptions> = {
  ...data.auth,
  extendSession: (id, expiresAt) => {
    extension = [id, expiresAt];
  },
};
const backend = new Backend(db, { auth });

// The list queries take their exact totals from the cache while nothing was committed.
const cache = new TotalCache(db);
type AnyHandler = (params: unknown, ctx: unknown) => unknown;
const handlers = (backend as unknown as { handlers: Record<string, AnyHandler> }).handlers;
for (const [method, def] of Object.entries(totalCachedLists)) {
  if (!def || typeof handlers[method] !== 'function') throw new Error(`The read pool cannot serve ${method}.`);
  handlers[method] = (params) => cachedModuleQuery(db, def, cache, params as QueryRequest);
}

async function serve(request: PoolRequest): Promise<PoolReply> {
  extension = null;
  const started = performance.now();
  // One read transaction per call: the rows, the total and the data version the total is filed
  // under all come from one snapshot.
  db.exec('BEGIN');
  try {
    cache.begin();
    const params = parseParams(request.text);
    const result = await backend.call(request.method as MethodName, params, request.token, { address: request.address });
    const json = JSON.stringify(result);
    return { id: request.id, ok: true, json, extend: extension, ms: performance.now() - started };
  } catch (err) {
    const ms = performance.now() - started;
    if (err instanceof ServiceError) return { id: request.id, ok: false, error: err.toBody(), extend: extension, ms };
    return { id: request.id, ok: false, internal: (err as Error)?.stack ?? String(err), extend: extension, ms };
  } finally {
    if (db.inTransaction) db.exec('COMMIT');
  }
}

// Calls are served one at a time, in the order they came.
let chain: Promise<void> = Promise.resolve();
parentPort!.on('message', (message: PoolRequest | { stats: true }) => {
  if ('stats' in message) {
    parentPort!.postMessage({ stats: { hits: cache.hits, misses: cache.misses } });
    return;
  }
  chain = chain.then(async () => parentPort!.postMessage(await serve(message)));
});
parentPort!.postMessage({ ready: true });

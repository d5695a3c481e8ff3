import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openDatabase } from '../db/open.js';
import { generateDemo } from '../db/demo/generate.js';
import { startServer } from '../server/http-server.js';

// (e) The server under many desks, over loopback: desks that query every 2 s (a mix of `*`
// patterns and plain lists) beside desks that write (create orders, save their content and fee
// lines) through the API, on a copy of the benchmark database; then the saturation throughput
// with no think time, of the server as it is and as it was (every call on the main thread, every
// authenticated call writing its session). Bounded in time; the server is a child process
// (`npm run server`'s startServer) and is stopped at the end.

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');

export interface LoadOptions {
  /** Seconds measured under the mixed load (after a warm-up of WARMUP_S). */
  seconds: number;
  /** Seconds of each saturation run. */
  saturationSeconds: number;
  queryDesks: number;
  writeDesks: number;
  /** Think time of a querying desk: one query every this many ms. */
  periodMs: number;
  /** Think time of a writing desk: one write every this many ms. */
  writePeriodMs: number;
  /** Desks querying back to back in the saturation runs. */
  saturationDesks: number;
  /** Also measure the server as it was (no pool, a session write per call). */
  baseline: boolean;
}

export const defaultLoadOptions: LoadOptions = {
  seconds: 60,
  saturationSeconds: 20,
  queryDesks: 50,
  writeDesks: 10,
  periodMs: 2000,
  writePeriodMs: 2000,
  saturationDesks: 50,
  baseline: true,
};

const WARMUP_S = 5;

/** What the query desks ask, in turn: the list opened (and F5) and the quick and column searches. */
export const QUERY_MIX: { method: string; params: Record<string, unknown>; label: string }[] = [
  { method: 'dispatch.query', params: {}, label: 'orders, plain' },
  { method: 'dispatch.query', params: { conditions: [{ field: 'any', op: 'contains', value: '2by*5084*4*1' }] }, label: 'orders any 2by*5084*4*1' },
  { method: 'dispatch.query', params: { conditions: [{ field: 'any', op: 'contains', value: '有限公司' }] }, label: 'orders any 有限公司' },
  { method: 'dispatch.query', params: { conditions: [{ field: 'customer', op: 'contains', value: '华信' }] }, label: 'orders customer 华信' },
  { method: 'content.query', params: {}, label: 'content, plain' },
  { method: 'dispatch.query', params: { conditions: [{ field: 'any', op: 'contains', value: '华信*有限' }] }, label: 'orders any 华信*有限' },
  { method: 'dispatch.query', params: { conditions: [{ field: 'contract_no', op: 'contains', value: 'HT2024-0012' }] }, label: 'orders contract HT2024-0012' },
  { method: 'fees.query', params: {}, label: 'fees, plain' },
  { method: 'dispatch.query', params: { conditions: [{ field: 'status', op: 'in', value: ['pending', 'dispatched'] }] }, label: 'orders status open' },
  { method: 'materials.query', params: {}, label: 'materials, plain' },
  { method: 'dispatch.query', params: { conditions: [{ field: 'any', op: 'contains', value: '*y.50*4.10*4' }] }, label: 'orders any *y.50*4.10*4' },
  { method: 'issues.query', params: {}, label: 'issues, plain' },
  { method: 'owed.query', params: {}, label: 'owed, plain' },
  { method: 'ledger.query', params: {}, label: 'ledger, plain' },
];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  status: number;
  body: unknown;
}

/** One desk's connection: keep-alive, one call at a time, like a desk. */
class Desk {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  token: string | null = null;

  constructor(private readonly base: URL) {}

  call(method: string, params: unknown): Promise<Answer> {
    const body = JSON.stringify(params);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: this.base.hostname,
          port: this.base.port,
          path: `/api/${method}`,
          method: 'POST',
          agent: this.agent,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = null;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = text;
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  async login(username: string): Promise<void> {
    const a = await this.call('auth.login', { username, password: 'demo123' });
    if (a.status !== 200) throw new Error(`login ${username}: ${a.status} ${JSON.stringify(a.body)}`);
    this.token = (a.body as { token: string }).token;
  }

  close(): void {
    this.agent.destroy();
  }
}

interface Timing {
  ms: number;
  kind: string;
  /** What was asked (a query of the mix, or the write method). */
  label: string;
  at: number;
}

class Recorder {
  readonly timings: Timing[] = [];
  readonly errors = new Map<string, number>();
  measuring = false;

  async time(kind: string, fn: () => Promise<Answer>, label = kind): Promise<Answer | null> {
    const started = performance.now();
    let answer: Answer | null = null;
    let error: string | null = null;
    try {
      answer = await fn();
      if (answer.status !== 200) error = `${kind}: HTTP ${answer.status} ${(answer.body as { error?: { code?: string } })?.error?.code ?? ''}`;
    } catch (e) {
      error = `${kind}: ${(e as Error).message}`;
    }
    const ms = performance.now() - started;
    if (this.measuring) {
      this.timings.push({ ms, kind, label, at: started });
      if (error) this.errors.set(error, (this.errors.get(error) ?? 0) + 1);
    }
    return error ? null : answer;
  }

  /** The `n` labels of a kind with the highest p95, as "label p95". */
  slowest(kind: string, n: number): string {
    const by = new Map<string, number[]>();
    for (const t of this.timings) if (t.kind === kind) by.set(t.label, [...(by.get(t.label) ?? []), t.ms]);
    return [...by]
      .map(([label, ms]) => ({ label, p95: percentile(ms.sort((a, b) => a - b), 95) }))
      .sort((a, b) => b.p95 - a.p95)
      .slice(0, n)
      .map((x) => `${x.label} ${fmt(x.p95)}`)
      .join(', ');
  }

  summary(kind: string): { n: number; p50: number; p95: number; p99: number; max: number } {
    const ms = this.timings.filter((t) => t.kind === kind).map((t) => t.ms).sort((a, b) => a - b);
    return { n: ms.length, p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), max: ms[ms.length - 1] ?? NaN };
  }

  get errorCount(): number {
    let n = 0;
    for (const v of this.errors.values()) n += v;
    return n;
  }
}

interface ServerChild {
  url: URL;
  child: ChildProcess;
  /** What the server said of its read pool and its CPU time when it stopped (see serveMain). */
  poolReport: string;
  cpuReport: string;
  stop(): Promise<void>;
}

/** Starts this file as the server (see serveMain) on `dbFile`, resolving once it listens. */
export function startServerChild(dbFile: string, mode: 'now' | 'before', extra: string[] = []): Promise<ServerChild> {
  const child = spawn(TSX, [fileURLToPath(import.meta.url), '--serve', dbFile, '--mode', mode, ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((done, fail) => {
    let output = '';
    const onData = (d: Buffer) => {
      output += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        child.stdout!.off('data', onData);
        // Keep draining, so a chatty server never blocks on a full pipe.
        child.stdout!.on('data', () => {});
        const server: ServerChild = {
          url: new URL(m[1]),
          child,
          poolReport: '',
          cpuReport: '',
          stop: () =>
            new Promise<void>((r) => {
              if (child.exitCode !== null) return r();
              child.once('exit', () => r());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
            }),
        };
        child.stderr!.on('data', (e: Buffer) => {
          for (const line of String(e).split('\n')) {
            if (line.startsWith('pool: ')) server.poolReport = line.slice(6);
            else if (line.startsWith('cpu: ')) server.cpuReport = line.slice(5);
            else if (line.trim()) process.stderr.write(`[server] ${line}\n`);
          }
        });
        done(server);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (output += d));
    child.once('exit', (code) => fail(new Error(`the server exited (${code}): ${output}`)));
  });
}

/** The reference data a writing desk needs for a valid order. */
interface Refs {
  regionIds: number[];
  taskTypeIds: number[];
  engineerIds: number[];
}

async function loadRefs(desk: Desk): Promise<Refs> {
  const regions = (await desk.call('regions.tree', {})).body as { nodes: { id: number; childCount: number }[] };
  const taskTypes = (await desk.call('taskTypes.list', {})).body as { taskTypes: { id: number; active: boolean }[] };
  const engineers = (await desk.call('engineers.list', {})).body as { engineers: { id: number; active: boolean }[] };
  return {
    regionIds: regions.nodes.filter((n) => n.childCount === 0).map((n) => n.id),
    taskTypeIds: taskTypes.taskTypes.filter((t) => t.active).map((t) => t.id),
    engineerIds: engineers.engineers.filter((e) => e.active).map((e) => e.id),
  };
}

/** A writing desk's next step: create an order, then save its content line, then its fee line. */
async function writeStep(desk: Desk, rec: Recorder, refs: Refs, state: { n: number; orderNo?: string; rowVersion?: number }, seq: number): Promise<void> {
  const pick = <T>(list: T[]) => list[(seq * 7 + state.n) % list.length];
  const step = state.n++ % 3;
  if (step === 0 || !state.orderNo) {
    const a = await rec.time('write', () =>
      desk.call('dispatch.create', {
        order: {
          contractId: null,
          customer: `负载测试客户${seq}有限公司`,
          project: 'load',
          address: '测试地址',
          regionId: pick(refs.regionIds),
          taskTypeId: pick(refs.taskTypeIds),
          warranty: false,
          contact: '张工',
          phone: '13800138000',
          deviceName: '测试设备',
          deviceModel: 'LT-1',
          devicePartNo: '2BY.5084.1044.1',
          deviceSerialNo: `LT${seq}-${state.n}`,
          problem: 'load test',
          urgency: 'normal',
          expectedAt: null,
          engineerId: pick(refs.engineerIds),
        },
      }),
    );
    const body = a?.body as { orderNo: string; rowVersion: number } | undefined;
    state.orderNo = body?.orderNo;
    state.rowVersion = body?.rowVersion;
    return;
  }
  const day = new Date().toISOString().slice(0, 10);
  const method = step === 1 ? 'dispatch.saveContent' : 'dispatch.saveFees';
  const lines =
    step === 1
      ? [{ workDate: day, engineerId: pick(refs.engineerIds), workType: '上门维修', findings: '测试', workDone: '更换', faultCause: '老化', result: 'solved', hoursX100: 150 }]
      : [{ feeType: 'labour', amountFen: 12000, payer: 'customer', settled: false, settledOn: null, remarks: '' }];
  const a = await rec.time('write', () => desk.call(method, { orderNo: state.orderNo, rowVersion: state.rowVersion, lines }));
  state.rowVersion = (a?.body as { rowVersion?: number } | undefined)?.rowVersion ?? state.rowVersion;
}

async function loginAll(base: URL, n: number, users: string[]): Promise<Desk[]> {
  const desks: Desk[] = [];
  for (let i = 0; i < n; i++) {
    const d = new Desk(base);
    await d.login(users[i % users.length]);
    desks.push(d);
  }
  return desks;
}

/** 50 desks querying every 2 s beside 10 writing every 2 s, for `seconds` after a warm-up. */
export async function mixedLoad(base: URL, o: LoadOptions): Promise<Recorder> {
  const rec = new Recorder();
  const readers = await loginAll(base, o.queryDesks, ['clerk', 'manager', 'warehouse']);
  const writers = await loginAll(base, o.writeDesks, ['clerk']);
  const refs = await loadRefs(writers[0]);
  const end = performance.now() + (WARMUP_S + o.seconds) * 1000;
  setTimeout(() => (rec.measuring = true), WARMUP_S * 1000);
  // Each desk keeps its own beat (a call every periodMs, from a random phase); a desk never has
  // two calls out at once, so a slow answer delays only its own next call.
  const run = async (period: number, step: (k: number) => Promise<void>) => {
    let next = performance.now() + Math.random() * period;
    for (let k = 0; ; k++) {
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      if (performance.now() >= end) return;
      await step(k);
      next += period;
    }
  };
  await Promise.all([
    ...readers.map((desk, i) =>
      run(o.periodMs, async (k) => {
        const q = QUERY_MIX[(i + k) % QUERY_MIX.length];
        await rec.time('query', () => desk.call(q.method, q.params), q.label);
      }),
    ),
    ...writers.map((desk, i) => {
      const state = { n: 0 } as { n: number; orderNo?: string; rowVersion?: number };
      return run(o.writePeriodMs, () => writeStep(desk, rec, refs, state, i));
    }),
  ]);
  for (const d of [...readers, ...writers]) d.close();
  return rec;
}

/** `desks` desks querying back to back (no think time): queries answered per second. */
export async function saturation(base: URL, desks: number, seconds: number): Promise<{ qps: number; rec: Recorder }> {
  const rec = new Recorder();
  const all = await loginAll(base, desks, ['clerk', 'manager', 'warehouse']);
  const warmEnd = performance.now() + 2000;
  const end = warmEnd + seconds * 1000;
  let measuredFrom = 0;
  setTimeout(() => {
    rec.measuring = true;
    measuredFrom = performance.now();
  }, 2000);
  await Promise.all(
    all.map(async (desk, i) => {
      for (let k = 0; performance.now() < end; k++) {
        const q = QUERY_MIX[(i + k) % QUERY_MIX.length];
        await rec.time('query', () => desk.call(q.method, q.params), q.label);
      }
    }),
  );
  const window = (performance.now() - measuredFrom) / 1000;
  for (const d of all) d.close();
  return { qps: rec.timings.filter((t) => t.kind === 'query').length / window, rec };
}

function fmt(n: number): string {
  return Number.isFinite(n) ? n.toFixed(n >= 100 ? 0 : 1) : '-';
}

/**
 * A copy of the database to load (writes would change the benchmark's own file), brought up to
 * date first (pending migrations) and checkpointed, so the server starts at once on it.
 */
function copyDatabase(file: string, dir: string): string {
  const db = openDatabase(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const copy = join(dir, 'load.db');
  copyFileSync(file, copy);
  return copy;
}

interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LoadFigures {
  orders: number;
  query: Summary;
  write: Summary;
  errors: number;
  saturation: { qps: number; p50: number; p95: number };
  /** The server as it was: the same mixed load and saturation. */
  before?: { query: Summary; write: Summary; errors: number; saturation: { qps: number; p50: number; p95: number } };
}

/** Runs `fn` against a fresh server child over `copy`; stops it and returns what fn gave and the pool's report. */
async function withServer<T>(copy: string, mode: 'now' | 'before', fn: (url: URL) => Promise<T>): Promise<{ value: T; pool: string; cpu: string }> {
  const server = await startServerChild(copy, mode);
  let value: T;
  try {
    value = await fn(server.url);
  } finally {
    await server.stop();
  }
  return { value, pool: server.poolReport, cpu: server.cpuReport };
}

/**
 * The load section over one database, on a copy of it: the mixed load, then the saturation, each
 * on a fresh server; with `o.baseline` the same again on the server as it was. Logs a few lines.
 */
export async function benchLoadOn(file: string, orders: number, log: (line: string) => void, o: LoadOptions = defaultLoadOptions): Promise<LoadFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'pim-load-'));
  try {
    const copied = performance.now();
    const copy = copyDatabase(file, dir);
    log(`  ${orders.toLocaleString('en')} orders (a copy, ${(statSync(copy).size / 2 ** 30).toFixed(1)} GiB, made in ${((performance.now() - copied) / 1000).toFixed(1)} s):`);
    const phases = async (mode: 'now' | 'before') => {
      const label = mode === 'now' ? 'now   ' : 'before';
      const mixed = await withServer(copy, mode, (url) => mixedLoad(url, o));
      const rec = mixed.value;
      const wal = existsSync(`${copy}-wal`) ? statSync(`${copy}-wal`).size / 2 ** 20 : 0;
      const query = rec.summary('query');
      const write = rec.summary('write');
      log(
        `    ${label} mixed load: queries ${query.n} p50 ${fmt(query.p50)} p95 ${fmt(query.p95)} p99 ${fmt(query.p99)} max ${fmt(query.max)} ms; ` +
          `writes ${write.n} p50 ${fmt(write.p50)} p95 ${fmt(write.p95)} p99 ${fmt(write.p99)} max ${fmt(write.max)} ms; errors ${rec.errorCount}; WAL after ${wal.toFixed(1)} MiB`,
      );
      log(`           slowest queries, p95 ms: ${rec.slowest('query', 4)}`);
      if (mixed.pool) log(`           read pool: ${mixed.pool}`);
      if (mixed.cpu) log(`           ${mixed.cpu}; machine load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores (other programs included)`);
      for (const [e, n] of rec.errors) log(`           error ×${n}: ${e}`);
      const sat = await withServer(copy, mode, (url) => saturation(url, o.saturationDesks, o.saturationSeconds));
      const s = sat.value.rec.summary('query');
      log(`    ${label} saturation: ${fmt(sat.value.qps)} queries/s, p50 ${fmt(s.p50)} p95 ${fmt(s.p95)} ms, errors ${sat.value.rec.errorCount}`);
      if (sat.pool) log(`           read pool: ${sat.pool}`);
      if (sat.cpu) log(`           ${sat.cpu}; machine load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
      return { query, write, errors: rec.errorCount + sat.value.rec.errorCount, saturation: { qps: sat.value.qps, p50: s.p50, p95: s.p95 } };
    };
    const figures: LoadFigures = { orders, ...(await phases('now')) };
    if (o.baseline) figures.before = await phases('before');
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The load section over each database given (the first with the baseline, when asked). */
export async function benchLoad(
  targets: { file: string; orders: number }[],
  log: (line: string) => void,
  o: LoadOptions = defaultLoadOptions,
): Promise<LoadFigures[]> {
  log('');
  log(
    `(e) the server under many desks, over loopback (the server a child process, reads on its pool of ` +
      `worker threads): ${o.queryDesks} desks querying, one query every ${o.periodMs / 1000} s each (${QUERY_MIX.length} queries in turn: ` +
      `* patterns and plain lists), beside ${o.writeDesks} desks writing, one write every ${o.writePeriodMs / 1000} s each ` +
      `(create an order, save its content line, save its fee line); ${o.seconds} s measured after ${WARMUP_S} s. ` +
      `Then the saturation: ${o.saturationDesks} desks querying back to back, ${o.saturationSeconds} s. ` +
      `"before": the server as it was (every call on the main thread, a session write per call). ` +
      `Targets: query p95 ≤ 100 ms, write p95 ≤ 50 ms, 0 errors.`,
  );
  const results: LoadFigures[] = [];
  for (const [i, t] of targets.entries()) {
    if (!existsSync(t.file)) {
      log(`  ${t.orders.toLocaleString('en')} orders: skipped, ${t.file} does not exist`);
      continue;
    }
    results.push(await benchLoadOn(t.file, t.orders, log, { ...o, baseline: o.baseline && i === 0 }));
  }
  return results;
}

/**
 * Whether a file is a complete demo database of `orders` orders (as bench/run.ts makes them).
 * Opening it applies pending migrations, as the server would at its start.
 */
function isDemoOf(file: string, orders: number, log: (line: string) => void): boolean {
  if (!existsSync(file)) return false;
  const opened = performance.now();
  const db = openDatabase(file);
  const seconds = (performance.now() - opened) / 1000;
  if (seconds > 1) log(`  opened ${file} (migrations applied) in ${seconds.toFixed(1)} s`);
  try {
    const meta = (key: string) => db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key);
    return meta('demo') === '1' && meta('demo_orders') === String(orders);
  } finally {
    db.close();
  }
}

export const LOAD_ORDERS = 200_000;

/**
 * The load section as `npm run bench` runs it: over `loadDb` (200,000 orders; generated with the
 * benchmark's seed when missing, a few minutes) and over the 10⁶-order benchmark database when
 * it exists (skipped with a note otherwise: `npm run bench` builds it).
 */
export async function benchLoadSection(options: {
  loadDb: string;
  /** Whether loadDb is the benchmark's own file (else, when incomplete, it is refused, never replaced). */
  loadDbOwned: boolean;
  millionDb: string;
  seed: number;
  now: Date;
  log: (line: string) => void;
  load?: Partial<LoadOptions>;
}): Promise<LoadFigures[]> {
  const { loadDb, millionDb, log } = options;
  if (!isDemoOf(loadDb, LOAD_ORDERS, log)) {
    // Only the benchmark's own file is thrown away; a file named with --load-db might be real data.
    if (existsSync(loadDb) && !options.loadDbOwned) {
      throw new Error(`${loadDb} is not a complete ${LOAD_ORDERS.toLocaleString('en')}-order demo database. Delete it or choose another --load-db.`);
    }
    for (const suffix of ['', '-wal', '-shm']) rmSync(loadDb + suffix, { force: true });
    mkdirSync(dirname(loadDb), { recursive: true });
    console.error(`Generating ${LOAD_ORDERS.toLocaleString('en')} orders into ${loadDb} for the load section (seed ${options.seed}) …`);
    const started = performance.now();
    const db = openDatabase(loadDb);
    try {
      await generateDemo(db, { orders: LOAD_ORDERS, seed: options.seed, now: options.now });
    } finally {
      db.close();
    }
    log(`generated ${LOAD_ORDERS.toLocaleString('en')} orders for the load section in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const o = { ...defaultLoadOptions, ...options.load };
  const targets = [{ file: loadDb, orders: LOAD_ORDERS }];
  const million = isDemoOf(millionDb, 1_000_000, log);
  if (million) targets.push({ file: millionDb, orders: 1_000_000 });
  const results = await benchLoad(targets, log, o);
  if (!million) log(`  1,000,000 orders: skipped, no complete benchmark database at ${millionDb} (a full \`npm run bench\` builds it, in minutes)`);
  for (const f of results) {
    const ok = f.query.p95 <= 100 && f.write.p95 <= 50 && f.errors === 0;
    log(
      `  ${f.orders.toLocaleString('en')} orders: query p95 ${fmt(f.query.p95)} ms (target 100), write p95 ${fmt(f.write.p95)} ms (target 50), ` +
        `errors ${f.errors} (target 0): ${ok ? 'met' : 'NOT met'}; saturation ${fmt(f.saturation.qps)} queries/s` +
        (f.before ? ` (before: ${fmt(f.before.saturation.qps)}; mixed load before: query p95 ${fmt(f.before.query.p95)}, write p95 ${fmt(f.before.write.p95)} ms)` : ''),
    );
  }
  return results;
}

/** `tsx bench/load.ts --serve FILE --mode now|before`: the server the load section talks to. */
async function serveMain(): Promise<void> {
  const args = process.argv.slice(2);
  const file = args[args.indexOf('--serve') + 1];
  const mode = args.includes('--mode') ? args[args.indexOf('--mode') + 1] : 'now';
  const numberArg = (name: string) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : undefined);
  // "before": as the server was — every call on the main thread, every authenticated call
  // writing its session's expiry.
  const server = await startServer({
    dbFile: file,
    port: 0,
    host: '127.0.0.1',
    log: (m) => console.error(m),
    readWorkers: numberArg('--workers'),
    readNice: numberArg('--nice'),
    readMmapBytes: numberArg('--mmap'),
    ...(mode === 'before' ? { readWorkers: 0, auth: { sessionRefreshMs: 0 }, memorySearch: false } : {}),
  });
  // Measured once the workers hold the search text in memory (loaded in the background).
  await server.pool?.memoryReady();
  const listening = performance.now();
  const cpuAtListen = process.cpuUsage();
  const stop = async () => {
    const pool = server.pool;
    const cpu = process.cpuUsage(cpuAtListen);
    const wall = (performance.now() - listening) / 1000;
    console.error(`cpu: the server used ${((cpu.user + cpu.system) / 1e6 / wall).toFixed(2)} cores on average (all its threads, ${wall.toFixed(0)} s)`);
    if (pool) {
      const cache = await pool.cacheStats();
      // Read by the load section: how the pool's time was spent.
      console.error(
        `pool: ${pool.served} calls (${pool.batches} runs: identical list queries waiting together run once), ` +
          `waited ${(pool.waitedMs / Math.max(1, pool.served)).toFixed(1)} ms per call, ` +
          `worked ${(pool.workedMs / Math.max(1, pool.batches)).toFixed(1)} ms per run on average, of which ${(pool.cpuMs / Math.max(1, pool.batches)).toFixed(1)} ms on a core; ` +
          `totals cached ${cache.hits}, counted ${cache.misses}`,
      );
    }
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  console.log(`listening on ${server.url} (${mode}, read pool ${server.pool ? server.pool.size : 0})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href && process.argv.includes('--serve')) {
  void serveMain();
}

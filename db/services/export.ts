import { randomBytes } from 'node:crypto';
import { EXPORT_ALL_ROLES } from '../../shared/roles.js';
import { createWriteStream, mkdirSync, readdirSync, rmSync, statSync, unlinkSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { openReadonly, type DB } from '../open.js';
import { compileQuery } from '../query-compiler.js';
import { countModuleRows, iterateModuleRows } from './query.js';
import { SearchProbe } from '../search/planner.js';
import { ServiceError } from '../../shared/errors.js';
import { moduleById } from '../../shared/modules/index.js';
import type { ModuleDef } from '../../shared/modules/types.js';
import { queryRequestSchema, type QueryRequest, type Row } from '../../shared/query.js';
import type { UserInfo } from '../../shared/contract.js';
import { HTML_TAIL, htmlHead, htmlLine } from '../../shared/export/html.js';
import { createSheetWriter } from '../../shared/export/xlsx.js';
import {
  exportFileName,
  groupLabelText,
  groupOrder,
  isTimeZone,
  specColumn,
  type ExportFormat,
  type SheetColumn,
  type SheetLine,
  type SheetSpec,
} from '../../shared/export/sheet.js';

// "Export all N matching rows": a job per request, run in the backend process a batch at a time
// so the server keeps answering, streamed to a temp file that its owner then downloads once.

export type ExportState = 'running' | 'done' | 'failed' | 'cancelled';

export interface ExportStartParams {
  module: string;
  request: QueryRequest;
  spec: SheetSpec;
  format: ExportFormat;
}

export interface ExportProgress {
  state: ExportState;
  written: number;
  total: number;
  fileName: string;
  error?: string;
}

export interface ExportFile {
  path: string;
  fileName: string;
  format: ExportFormat;
  contentType: string;
  size: number;
}

/** A file taken for its one download: the job is gone already; `dispose` deletes the file. */
export interface TakenExportFile extends ExportFile {
  dispose(): void;
}

/** What the jobs need to know of sessions: a job's file lives only as long as its session. */
export interface ExportSessions {
  sessionAlive(id: string): boolean;
  onSessionEnded(listener: (id: string) => void): void;
}

export interface ExportJobsOptions {
  /** Folder for the files; a folder of this process under `<OS temp>/pim-exports` by default. */
  dir?: string;
  /** Sessions: a job started in a session is removed (file and all) when the session ends. */
  sessions?: ExportSessions;
  /** How often jobs are checked for sessions that expired. */
  sessionSweepMs?: number;
  /** Running jobs per user. */
  maxRunningPerUser?: number;
  /** Running jobs in the whole process. */
  maxRunning?: number;
  /** A job and its file are removed this long after they started, downloaded or not. */
  ttlMs?: number;
  /** Lines written between two yields to the event loop. */
  batchLines?: number;
  /** Roles allowed to export all rows. */
  roles?: readonly string[];
  /**
   * Most (innermost) groups a grouped export may have: their keys, counts and sums are held in
   * memory, so grouping by a near-unique column is refused.
   */
  maxGroups?: number;
  log?: (message: string) => void;
  now?: () => Date;
}

interface Job {
  id: string;
  userId: number;
  /** The session that started the job, when known. */
  sessionId?: string;
  format: ExportFormat;
  fileName: string;
  path: string;
  state: ExportState;
  written: number;
  total: number;
  error?: string;
  cancelRequested: boolean;
  expiry: NodeJS.Timeout;
  /** Resolves when the run loop has ended and let go of its file and connection. */
  finished: Promise<void>;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html; charset=utf-8',
};

function invalid(path: string, message: string): never {
  throw new ServiceError('INVALID_PARAMS', message, { issues: [{ path, message }] });
}

const MAX_KEPT_PER_USER = 5;

export const MAX_EXPORT_GROUPS = 50_000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Empty text and NULL are one group, as on screen. */
const groupKey = (values: readonly unknown[]) => JSON.stringify(values.map((v) => (v === '' || v === undefined ? null : v)));

/**
 * The client's spec checked against the module: every field must be a column of the module
 * (group fields become SQL identifiers), types and summability come from the module definition.
 */
export function checkSpec(def: ModuleDef, spec: SheetSpec): SheetSpec {
  const fromDef = (c: SheetColumn, path: string): SheetColumn => {
    const col = def.columns.find((d) => d.field === c.field);
    if (!col) invalid(path, `Unknown field "${c.field}" for ${def.id}.`);
    const checked: SheetColumn = { ...c, type: col.type, summable: col.summable === true && (col.type === 'money' || col.type === 'number') };
    // Enum groups sort in the module's order of values (the life cycle), whatever the client sent.
    if (col.type === 'enum' && col.enumValues) checked.enumLabels = Object.fromEntries(col.enumValues.map((v) => [v, c.enumLabels?.[v] ?? v]));
    return checked;
  };
  const columns = spec.columns.map((c, i) => fromDef(c, `spec.columns.${i}.field`));
  spec.groupBy.forEach((f, i) => {
    if (!def.columns.some((d) => d.field === f)) invalid(`spec.groupBy.${i}`, `Unknown field "${f}" for ${def.id}.`);
  });
  if (new Set(spec.groupBy).size !== spec.groupBy.length) invalid('spec.groupBy', 'A field can group only once.');
  // Every group field gets a column description, sent or not, so its type is the module's.
  const groupColumns = spec.groupBy.map((f) => {
    const sent = spec.columns.find((c) => c.field === f) ?? spec.groupColumns?.find((c) => c.field === f);
    const def_ = def.columns.find((d) => d.field === f)!;
    return fromDef(sent ?? { field: f, label: f, type: def_.type, widthPx: def_.width }, 'spec.groupColumns');
  });
  const sumLabels = Object.fromEntries(
    Object.entries(spec.sumLabels ?? {}).filter(([f]) => def.columns.some((d) => d.field === f && d.summable && (d.type === 'money' || d.type === 'number'))),
  );
  // Summed fields not shown: their type (money or number) from the module, for the labels.
  const sumColumns = Object.keys(sumLabels)
    .filter((f) => !columns.some((c) => c.field === f) && !groupColumns.some((c) => c.field === f))
    .map((f) => {
      const d = def.columns.find((c) => c.field === f)!;
      return { field: f, label: f, type: d.type, widthPx: d.width, summable: true };
    });
  if (spec.timeZone !== undefined && !isTimeZone(spec.timeZone)) invalid('spec.timeZone', `"${spec.timeZone}" is not a known time zone.`);
  return { ...spec, columns, groupColumns, sumLabels, sumColumns };
}

/**
 * A read-only connection of its own: the job's long-open cursor and read transaction then never
 * block the server's writes (better-sqlite3 refuses writes on a connection with an open
 * iterator), and the job reads one consistent snapshot (WAL).
 */
function openReader(db: DB): DB {
  if (sharedReader(db)) return db;
  // With the text functions (pim_fold, pim_sortkey) the query's conditions and order need.
  const reader = openReadonly(db.name);
  registerRank(reader);
  return reader;
}

/** An in-memory database has no second connection: its jobs read on the main one. */
const sharedReader = (db: DB) => db.memory || !db.name;

// The order of a grouped export's rows is the rank of their group, from a SQL function that is
// registered once per connection (the job's own, or the main one of an in-memory database at
// start-up) and finds the job's ranks by a key passed as its first argument.
const RANK_FN = 'pim_export_rank';
const rankers = new Map<string, (keys: unknown[]) => number>();
const ranked = new WeakSet<DB>();

function registerRank(db: DB): void {
  if (ranked.has(db)) return;
  db.function(RANK_FN, { deterministic: true, varargs: true }, (job: unknown, ...keys: unknown[]) => rankers.get(String(job))?.(keys) ?? 0);
  ranked.add(db);
}

interface Leaf {
  keys: unknown[];
  count: number;
  sums: Record<string, number>;
}

/**
 * The job's lines in order. Without grouping: the rows as the query orders them (enums in their
 * values' order, the list query's ORDER BY). With grouping: the distinct group keys with exact counts and
 * sums from one GROUP BY over the same filter (at most `maxGroups` of them, else INVALID_PARAMS),
 * ordered in JS by the grid's comparator (pinyin, numbers, dates, enum order), then one pass over
 * the rows ordered by their group's rank and, within a group, by the query's order.
 */
function* jobLines(reader: DB, def: ModuleDef, request: QueryRequest, spec: SheetSpec, total: { n: number }, maxGroups: number): Generator<SheetLine> {
  const req = queryRequestSchema.parse(request);
  // The list query's filter, with its search plans, and order (sort keys: pinyin, case; enums in
  // their values' order).
  const q = compileQuery(def, req, new SearchProbe(reader).forStream);
  const where = q.where ? `WHERE ${q.where}` : '';
  const view = q.from;
  const columns = ['id', ...def.columns.map((c) => c.field)].map((f) => `v.${quote(f)}`).join(', ');
  const orderBy = q.orderBy;
  if (spec.groupBy.length === 0) {
    total.n = countModuleRows(reader, def, request);
    // The list query's own stream, with its search plans and order.
    for (const row of iterateModuleRows(reader, def, request)) yield { kind: 'row', level: 0, row };
    return;
  }
  const depth = spec.groupBy.length;
  const keyExprs = spec.groupBy.map((f) => `nullif(v.${quote(f)}, '')`);
  const sumFields = [...new Set([...spec.columns.filter((c) => c.summable).map((c) => c.field), ...Object.keys(spec.sumLabels ?? {})])];
  const aggregates = sumFields.map((f, i) => `coalesce(sum(v.${quote(f)}), 0) AS s${i}`);
  const groups: Record<string, unknown>[] = [];
  const groupRows = reader
    .prepare(
      `SELECT ${keyExprs.map((e, i) => `${e} AS k${i}`).join(', ')}, count(*) AS n${aggregates.map((a) => `, ${a}`).join('')} ` +
        `FROM ${view} ${where} GROUP BY ${keyExprs.join(', ')}`,
    )
    .iterate(...q.params) as IterableIterator<Record<string, unknown>>;
  for (const g of groupRows) {
    // Stops reading (for-of closes the cursor) as soon as there are too many.
    if (groups.length >= maxGroups) {
      const names = spec.groupBy.map((f) => specColumn(spec, f).label).join(', ');
      invalid(
        'spec.groupBy',
        `Grouped by ${names}, the export would have more than ${maxGroups.toLocaleString('en-US')} groups. Group by a column with fewer values.`,
      );
    }
    groups.push(g);
  }

  const orders = spec.groupBy.map((f) => groupOrder(spec, f));
  const leaves: Leaf[] = groups.map((g) => ({
    keys: spec.groupBy.map((_, i) => g[`k${i}`] ?? null),
    count: g.n as number,
    sums: Object.fromEntries(sumFields.map((f, i) => [f, Number(g[`s${i}`])])),
  }));
  leaves.sort((a, b) => {
    for (let i = 0; i < depth; i++) {
      const c = orders[i](a.keys[i], b.keys[i]);
      if (c !== 0) return c;
    }
    return 0;
  });
  total.n = leaves.reduce((s, l) => s + l.count, 0);

  // Counts and sums of the upper levels, from the leaves.
  const prefixTotals = new Map<string, { count: number; sums: Record<string, number> }>();
  for (const leaf of leaves) {
    for (let level = 0; level < depth; level++) {
      const key = groupKey(leaf.keys.slice(0, level + 1));
      let t = prefixTotals.get(key);
      if (!t) prefixTotals.set(key, (t = { count: 0, sums: Object.fromEntries(sumFields.map((f) => [f, 0])) }));
      t.count += leaf.count;
      for (const f of sumFields) t.sums[f] += leaf.sums[f];
    }
  }
  const rank = new Map(leaves.map((l, i) => [groupKey(l.keys), i]));
  const job = randomBytes(9).toString('hex');
  registerRank(reader);
  rankers.set(job, (keys) => rank.get(groupKey(keys)) ?? leaves.length);
  try {
    const rows = reader
      .prepare(`SELECT ${columns} FROM ${view} ${where} ORDER BY ${RANK_FN}(?, ${keyExprs.join(', ')}), ${orderBy}`)
      .iterate(...q.params, job) as IterableIterator<Row>;
    yield* groupedLines(spec, rows, prefixTotals);
  } finally {
    rankers.delete(job);
  }
}

/** Group headers (from the precomputed totals) before the rows, which come in group order. */
function* groupedLines(spec: SheetSpec, rows: IterableIterator<Row>, prefixTotals: Map<string, { count: number; sums: Record<string, number> }>): Generator<SheetLine> {
  const depth = spec.groupBy.length;
  let previous: unknown[] | null = null;
  let currentKey = '';
  for (const row of rows) {
    const keys = spec.groupBy.map((f) => (row[f] === '' || row[f] === undefined ? null : row[f]));
    const key = groupKey(keys);
    if (key !== currentKey) {
      let from = 0;
      if (previous) while (from < depth && groupKey([previous[from]]) === groupKey([keys[from]])) from++;
      for (let level = from; level < depth; level++) {
        const t = prefixTotals.get(groupKey(keys.slice(0, level + 1)))!;
        const value = keys[level] as string | number | null;
        const label = groupLabelText(spec, spec.groupBy[level], value, t.count, t.sums);
        yield { kind: 'group', level, field: spec.groupBy[level], value, label, count: t.count, sums: { ...t.sums } };
      }
      previous = keys;
      currentKey = key;
    }
    yield { kind: 'row', level: depth, row };
  }
}

/** The export jobs of one backend. */
export class ExportJobs {
  private readonly jobs = new Map<string, Job>();
  private dir: string | null;
  private readonly ownDir: boolean;
  private readonly opts: Required<Omit<ExportJobsOptions, 'dir' | 'sessions'>>;
  private readonly sessions: ExportSessions | null;
  private sweep: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: DB,
    options: ExportJobsOptions = {},
  ) {
    this.dir = options.dir ?? null;
    this.ownDir = options.dir === undefined;
    this.opts = {
      maxRunningPerUser: options.maxRunningPerUser ?? 2,
      maxRunning: options.maxRunning ?? 4,
      ttlMs: options.ttlMs ?? 60 * 60 * 1000,
      batchLines: options.batchLines ?? 2000,
      roles: options.roles ?? EXPORT_ALL_ROLES,
      maxGroups: options.maxGroups ?? MAX_EXPORT_GROUPS,
      log: options.log ?? ((m) => console.error(m)),
      now: options.now ?? (() => new Date()),
      sessionSweepMs: options.sessionSweepMs ?? 60_000,
    };
    this.sessions = options.sessions ?? null;
    this.sessions?.onSessionEnded((id) => this.dropSession(id));
    // Registered now, while no job has a cursor open on the connection.
    if (sharedReader(db)) registerRank(db);
  }

  private folder(): string {
    if (this.dir === null) {
      // One folder per process, named by its pid, so a later start can tell a dead process's
      // leftovers (cleanStaleExportDirs) from the files of another process still running.
      const dir = join(exportTempBase(), `${process.pid}-${randomBytes(6).toString('hex')}`);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      this.dir = dir;
    }
    return this.dir;
  }

  /** Removes every job of a session that ended (logout, expiry): their files go with them. */
  dropSession(sessionId: string): void {
    for (const job of [...this.jobs.values()]) if (job.sessionId === sessionId) this.remove(job.id);
  }

  /** Drops the jobs whose session expired; runs on a timer while jobs of sessions exist. */
  dropEndedSessions(): void {
    const sessions = this.sessions;
    if (!sessions) return;
    const ids = new Set([...this.jobs.values()].map((j) => j.sessionId).filter((id): id is string => !!id));
    for (const id of ids) if (!sessions.sessionAlive(id)) this.dropSession(id);
    if (ids.size === 0 && this.sweep) {
      clearInterval(this.sweep);
      this.sweep = null;
    }
  }

  /**
   * Checks the request, counts the rows and starts writing; the file is written in the
   * background. With a session id, the job ends with that session.
   */
  start(user: UserInfo, params: ExportStartParams, sessionId?: string): { jobId: string; total: number; fileName: string } {
    if (!this.opts.roles.includes(user.role)) throw new ServiceError('FORBIDDEN', 'Exporting all rows is for managers.');
    const def = moduleById(params.module);
    if (!def?.built || !def.view) invalid('module', `The module "${params.module}" has no list to export.`);
    const spec = checkSpec(def, params.spec);
    // Compiles the filter and sort now, so a bad query is INVALID_PARAMS here and not a failed job.
    compileQuery(def, queryRequestSchema.parse(params.request));

    const running = [...this.jobs.values()].filter((j) => j.state === 'running');
    if (running.filter((j) => j.userId === user.id).length >= this.opts.maxRunningPerUser) {
      throw new ServiceError('FORBIDDEN', `At most ${this.opts.maxRunningPerUser} exports can run at a time; wait for one to finish or cancel it.`);
    }
    if (running.length >= this.opts.maxRunning) throw new ServiceError('FORBIDDEN', 'The server is busy with other exports; try again shortly.');
    // Finished files nobody fetched are kept for an hour, but only the user's newest few.
    const kept = [...this.jobs.values()].filter((j) => j.userId === user.id && j.state !== 'running');
    for (const j of kept.slice(0, Math.max(0, kept.length - MAX_KEPT_PER_USER + 1))) this.remove(j.id);

    const reader = openReader(this.db);
    let lines: Generator<SheetLine>;
    const total = { n: 0 };
    try {
      // One read transaction: the counts and the rows come from the same snapshot.
      if (reader !== this.db) reader.prepare('BEGIN').run();
      lines = jobLines(reader, def, params.request, spec, total, this.opts.maxGroups);
      // Runs up to the first line, so the totals are known before answering.
      const first = lines.next();
      lines = prepend(first, lines);
    } catch (err) {
      if (reader !== this.db) reader.close();
      throw err;
    }

    const id = randomBytes(18).toString('base64url');
    const fileName = exportFileName(spec.title, params.format, this.opts.now(), spec.timeZone);
    const job: Job = {
      id,
      userId: user.id,
      sessionId,
      format: params.format,
      fileName,
      path: join(this.folder(), `${id}.${params.format}`),
      state: 'running',
      written: 0,
      total: total.n,
      cancelRequested: false,
      expiry: setTimeout(() => this.remove(id), this.opts.ttlMs),
      finished: Promise.resolve(),
    };
    job.expiry.unref?.();
    this.jobs.set(id, job);
    if (sessionId && this.sessions && !this.sweep) {
      this.sweep = setInterval(() => this.dropEndedSessions(), this.opts.sessionSweepMs);
      this.sweep.unref?.();
    }
    job.finished = this.run(job, spec, lines, () => {
      if (reader !== this.db) reader.close();
    });
    return { jobId: id, total: job.total, fileName };
  }

  private async run(job: Job, spec: SheetSpec, lines: Generator<SheetLine>, closeReader: () => void): Promise<void> {
    const batch = this.opts.batchLines;
    let out: Out | null = null;
    try {
      out = job.format === 'xlsx' ? xlsxOut(job.path, spec) : htmlOut(job.path, spec);
      let n = 0;
      for (const line of lines) {
        out.line(line);
        if (line.kind === 'row') job.written++;
        if (++n % batch === 0) {
          await out.drain?.();
          await yieldToEventLoop();
          if (job.cancelRequested) break;
        }
      }
      if (job.cancelRequested) {
        lines.return(undefined);
        await out.abort();
        job.state = 'cancelled';
      } else {
        await out.end();
        job.state = 'done';
      }
    } catch (err) {
      job.state = 'failed';
      job.error = 'The export failed. The error has been logged.';
      this.opts.log(`export ${job.id} failed: ${(err as Error)?.stack ?? err}`);
      lines.return(undefined);
      await out?.abort().catch(() => {});
    } finally {
      closeReader();
      if (job.state !== 'done') removeFile(job.path);
      // A job removed (expired, closed) while it ran loses its file now.
      if (!this.jobs.has(job.id)) removeFile(job.path);
    }
  }

  private own(user: UserInfo, jobId: string): Job {
    const job = this.jobs.get(jobId);
    // Someone else's job is as unknown as a job that never was.
    if (!job || job.userId !== user.id) throw new ServiceError('NOT_FOUND', 'There is no such export.');
    return job;
  }

  progress(user: UserInfo, jobId: string): ExportProgress {
    const job = this.own(user, jobId);
    const p: ExportProgress = { state: job.state, written: job.written, total: job.total, fileName: job.fileName };
    if (job.error) p.error = job.error;
    return p;
  }

  /**
   * Stops a running job and deletes its partial file, or deletes a finished one. The job stays
   * known as `cancelled` (until it expires) so a dialog still polling sees what happened.
   */
  async cancel(user: UserInfo, jobId: string): Promise<{ ok: true }> {
    const job = this.own(user, jobId);
    if (job.state === 'running') {
      job.cancelRequested = true;
      await job.finished;
    } else {
      removeFile(job.path);
      if (job.state === 'done') job.state = 'cancelled';
    }
    return { ok: true };
  }

  /** The finished file of the user's job; NOT_FOUND while it is still being written. */
  file(user: UserInfo, jobId: string): ExportFile {
    const job = this.own(user, jobId);
    if (job.state !== 'done') throw new ServiceError('NOT_FOUND', `The export is not ready (${job.state}).`);
    return { path: job.path, fileName: job.fileName, format: job.format, contentType: CONTENT_TYPES[job.format], size: statSync(job.path).size };
  }

  /** Forgets a job after its file was delivered, and deletes the file. */
  release(jobId: string): void {
    this.remove(jobId);
  }

  /**
   * Takes the finished file of the user's job for its one download: the job is forgotten at
   * once, so the file cannot be fetched again whether or not this download completes; the
   * caller deletes the file with `dispose` when the download ends (it may still be reading it).
   */
  take(user: UserInfo, jobId: string): TakenExportFile {
    const file = this.file(user, jobId);
    const job = this.jobs.get(jobId)!;
    this.jobs.delete(jobId);
    clearTimeout(job.expiry);
    return { ...file, dispose: () => removeFile(file.path) };
  }

  private remove(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    this.jobs.delete(jobId);
    clearTimeout(job.expiry);
    if (job.state === 'running') job.cancelRequested = true;
    else removeFile(job.path);
  }

  /** Cancels running jobs and deletes every file (server shutdown). */
  async close(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = null;
    const running = [...this.jobs.values()].map((j) => j.finished);
    for (const id of [...this.jobs.keys()]) this.remove(id);
    await Promise.all(running);
    if (this.ownDir && this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Where export jobs keep their files: one folder per process below this one. */
export function exportTempBase(): string {
  return join(tmpdir(), 'pim-exports');
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes export files left by processes that ended without cleaning up (a crash, a kill, a
 * power cut): the folders below `base` whose process is gone, and folders of older versions
 * (`pim-export-*` in the temp dir) older than an hour, the longest a job's file was kept.
 * Returns the folders removed. Called when a server (or the desktop backend) starts.
 */
export function cleanStaleExportDirs(base: string = exportTempBase(), legacyParent: string | null = tmpdir(), now = Date.now()): string[] {
  const removed: string[] = [];
  const remove = (dir: string) => {
    try {
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // in use or not ours: left alone
    }
  };
  let entries: string[] = [];
  try {
    entries = readdirSync(base);
  } catch {
    entries = [];
  }
  for (const name of entries) {
    const m = /^(\d+)-[0-9a-f]+$/.exec(name);
    if (m && !processAlive(Number(m[1]))) remove(join(base, name));
  }
  if (legacyParent) {
    let legacy: string[] = [];
    try {
      legacy = readdirSync(legacyParent).filter((n) => /^pim-export-[A-Za-z0-9]{6}$/.test(n));
    } catch {
      legacy = [];
    }
    for (const name of legacy) {
      const dir = join(legacyParent, name);
      try {
        if (statSync(dir).isDirectory() && now - statSync(dir).mtimeMs > 60 * 60 * 1000) remove(dir);
      } catch {
        // gone meanwhile
      }
    }
  }
  return removed;
}

function* prepend<T>(first: IteratorResult<T>, rest: Generator<T>): Generator<T> {
  try {
    if (first.done) return;
    yield first.value;
    yield* rest;
  } finally {
    rest.return(undefined);
  }
}

function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

interface Out {
  line(l: SheetLine): void;
  drain?(): Promise<void>;
  end(): Promise<void>;
  abort(): Promise<void>;
}

function xlsxOut(path: string, spec: SheetSpec): Out {
  // Shared strings would keep every distinct text in memory until the end; inline strings stream.
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  const writer = createSheetWriter(book, spec, { streaming: true });
  return {
    line: (l) => writer.line(l),
    end: () => book.commit(),
    abort: () => book.commit(),
  };
}

function htmlOut(path: string, spec: SheetSpec): Out {
  const stream: WriteStream = createWriteStream(path, { encoding: 'utf8' });
  let failed: Error | null = null;
  stream.on('error', (e) => (failed = e));
  let buffer = htmlHead(spec);
  const flush = () => {
    if (failed) throw failed;
    const ok = stream.write(buffer);
    buffer = '';
    return ok;
  };
  const close = () =>
    new Promise<void>((resolve, reject) => {
      stream.end(() => (failed ? reject(failed) : resolve()));
    });
  return {
    line: (l) => {
      buffer += htmlLine(spec, l);
    },
    drain: () => (flush() ? Promise.resolve() : new Promise<void>((resolve) => stream.once('drain', resolve))),
    end: async () => {
      buffer += HTML_TAIL;
      flush();
      await close();
    },
    abort: close,
  };
}

import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../db/demo/generate.js';
import { makeDemoDb } from '../helpers/demo-db.js';
import { bundleServer, startServerProcess } from '../helpers/spawn.js';

// Issue 10: "0 lost acknowledged writes in 60 kills". The server process (`npm run server`'s
// entry, bundled so it starts fast and so the pid killed is the server's own) on one small
// database file, killed with SIGKILL 60 times while desks write (creates, content and fee line
// saves, status changes) and read through the HTTP API, restarted on the same file each time.
// After every kill, on the file itself: every write the server acknowledged (a whole 2xx
// response) is there with the acknowledged content, the database passes integrity_check, order
// numbers are unique, and the server comes back and accepts writes. A write in flight at the
// kill may be there or not, but never half there: an order's lines are exactly those of one
// save, with the row version of that save.
//
// Reproduce a failure with its seed: CRASH_KILL_SEED=<seed> npx vitest run tests/integration/crash-kill.test.ts

const KILLS = Number(process.env.CRASH_KILL_ROUNDS ?? 60);
const SEED = Number(process.env.CRASH_KILL_SEED ?? 20261130);
const WRITERS = 3;
const READERS = 1;

/** What the database must hold for one order: compared as sorted line texts. */
interface State {
  rowVersion: number;
  status: string;
  contents: string[];
  fees: string[];
}

interface Tracked {
  /** Unique text in the order's problem field: finds an order whose create was never answered. */
  tag: string;
  desk: number;
  orderNo: string | null;
  /** The last acknowledged state (null while the create is unanswered). */
  acked: State | null;
  /** The state a write in flight would leave (null when none). */
  pending: State | null;
  pendingMethod: string | null;
  saves: number;
}

const sameState = (a: State, b: State) => JSON.stringify(a) === JSON.stringify(b);
const show = (s: State | null) => (s ? JSON.stringify(s) : 'none');

let dir: string;
let dbFile: string;
let bundle: { dir: string; entry: string };
let refs: { regionId: number; taskTypeId: number; engineerId: number };

beforeAll(async () => {
  // The cheapest database the other tests use: a small demo one (its users have password demo123).
  ({ dir, file: dbFile } = await makeDemoDb(40));
  bundle = await bundleServer();
  const db = new Database(dbFile, { readonly: true });
  refs = {
    regionId: db.prepare('SELECT id FROM sales_regions WHERE parent_id IS NOT NULL ORDER BY id LIMIT 1').pluck().get() as number,
    taskTypeId: db.prepare('SELECT id FROM task_types WHERE active = 1 ORDER BY id LIMIT 1').pluck().get() as number,
    engineerId: db.prepare('SELECT id FROM engineers WHERE active = 1 ORDER BY id LIMIT 1').pluck().get() as number,
  };
  db.close();
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (bundle) rmSync(bundle.dir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(url: string, method: string, params: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(params),
    signal: AbortSignal.timeout(15_000),
  });
  // Acknowledged means the whole response arrived: a body cut off by the kill throws here.
  return { status: res.status, body: JSON.parse(await res.text()) };
}

describe('the server killed (-9) again and again under writes', () => {
  it(`loses no acknowledged write and leaves no write half done in ${KILLS} kills`, async () => {
    const started = Date.now();
    const random = mulberry32(SEED);
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const failures: string[] = [];
    const tracked: Tracked[] = [];
    const byOrderNo = new Map<string, Tracked>();
    let round = 0;
    let url = '';
    let killed = false;
    let acknowledged = 0;
    let inFlightAtKill = 0;
    let inFlightLanded = 0;
    let reads = 0;
    let serverErrors = 0;
    const fail = (m: string) => failures.push(`${round < KILLS ? `kill ${round + 1}` : 'last restart'} (seed ${SEED}): ${m}`);

    const lineTag = (t: Tracked, kind: string, i: number) => `${t.tag} ${kind}${t.saves}.${i}`;
    const orderInput = (t: Tracked) => ({
      contractId: null,
      customer: `断电测试客户${t.desk}有限公司`,
      regionId: refs.regionId,
      taskTypeId: refs.taskTypeId,
      warranty: false,
      contact: '赵工',
      phone: '13900139000',
      problem: t.tag,
      urgency: 'normal',
      expectedAt: null,
      engineerId: refs.engineerId,
    });

    /**
     * One write: true when acknowledged (its state becomes the order's), false when it got no
     * whole answer (in flight at the kill: the state it would leave stays pending) or was refused.
     */
    async function write(t: Tracked, method: string, params: unknown, next: State, token: string): Promise<boolean> {
      t.pending = next;
      t.pendingMethod = method;
      let r: { status: number; body: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
      try {
        r = await call(url, method, params, token);
      } catch (e) {
        if (!killed) {
          fail(`${method} ${t.tag} failed before the kill: ${(e as Error).message}`);
          t.pending = null;
        }
        return false;
      }
      if (r.status >= 500) serverErrors++;
      if (r.status !== 200) {
        fail(`${method} ${t.tag}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
        t.pending = null;
        return false;
      }
      if (method === 'dispatch.create') {
        const no = r.body.orderNo as string;
        if (byOrderNo.has(no)) fail(`order number ${no} acknowledged twice: ${byOrderNo.get(no)!.tag} and ${t.tag}`);
        t.orderNo = no;
        byOrderNo.set(no, t);
      }
      if (r.body.rowVersion !== next.rowVersion) fail(`${method} ${t.tag}: row version ${r.body.rowVersion}, expected ${next.rowVersion}`);
      t.acked = { ...next, rowVersion: r.body.rowVersion };
      t.pending = null;
      t.pendingMethod = null;
      acknowledged++;
      return true;
    }

    /** A new order: the tracked order when the create was acknowledged, else null. */
    const create = async (desk: number, n: number, token: string): Promise<Tracked | null> => {
      const t: Tracked = { tag: `kill-${SEED}-r${round}-d${desk}-n${n}`, desk, orderNo: null, acked: null, pending: null, pendingMethod: null, saves: 0 };
      tracked.push(t);
      const ok = await write(t, 'dispatch.create', { order: orderInput(t) }, { rowVersion: 1, status: 'pending', contents: [], fees: [] }, token);
      return ok ? t : null;
    };

    /** Replaces the order's content lines with 1–3 new ones. */
    const saveContent = (t: Tracked, token: string) => {
      const a = t.acked!;
      t.saves++;
      const lines = Array.from({ length: int(1, 3) }, (_, i) => ({
        workDate: '2026-06-29',
        engineerId: refs.engineerId,
        workType: '维修',
        findings: lineTag(t, 'c', i),
        result: 'solved',
        hoursX100: int(0, 800),
      }));
      const next = { ...a, rowVersion: a.rowVersion + 1, contents: lines.map((l) => `${l.workType}|${l.hoursX100}|${l.findings}`).sort() };
      return write(t, 'dispatch.saveContent', { orderNo: t.orderNo, rowVersion: a.rowVersion, lines }, next, token);
    };

    /** Fee lines from the order's acknowledged ones: the first kept by id with a new amount, others dropped, 1–3 added. */
    const saveFees = (t: Tracked, token: string, stored: { id: number; feeType: string; payer: string; remarks: string }[] = []) => {
      const a = t.acked!;
      t.saves++;
      const kept = stored.slice(0, 1).map((l) => ({ id: l.id, feeType: l.feeType, amountFen: int(0, 500_000), payer: l.payer, settled: false, settledOn: null, remarks: l.remarks }));
      const added = Array.from({ length: int(1, 3) }, (_, i) => ({
        feeType: (['labour', 'travel', 'accommodation', 'other'] as const)[int(0, 3)],
        amountFen: int(0, 500_000),
        payer: random() < 0.5 ? 'customer' : 'company',
        settled: false,
        settledOn: null,
        remarks: lineTag(t, 'f', i),
      }));
      const lines = [...kept, ...added];
      const next = { ...a, rowVersion: a.rowVersion + 1, fees: lines.map((l) => `${l.feeType}|${l.amountFen}|${l.payer}|${l.remarks}`).sort() };
      return write(t, 'dispatch.saveFees', { orderNo: t.orderNo, rowVersion: a.rowVersion, lines }, next, token);
    };

    const NEXT_STATUS: Record<string, string | undefined> = { pending: 'dispatched', dispatched: 'in_progress' };
    const setStatus = (t: Tracked, token: string) => {
      const a = t.acked!;
      const status = NEXT_STATUS[a.status]!;
      return write(t, 'dispatch.setStatus', { orderNo: t.orderNo, rowVersion: a.rowVersion, status }, { ...a, rowVersion: a.rowVersion + 1, status }, token);
    };

    /** An order of an earlier kill, read back through the restarted server, then its fees changed by line id. */
    async function reworkOld(t: Tracked, token: string): Promise<boolean> {
      let r: { status: number; body: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
      try {
        r = await call(url, 'dispatch.get', { orderNo: t.orderNo }, token);
      } catch (e) {
        if (!killed) fail(`dispatch.get ${t.orderNo} failed before the kill: ${(e as Error).message}`);
        return false;
      }
      reads++;
      if (r.status >= 500) serverErrors++;
      if (r.status !== 200) {
        fail(`dispatch.get ${t.orderNo}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
        return false;
      }
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const fees = (r.body.fees as any[]).map((l) => `${l.feeType}|${l.amountFen}|${l.payer}|${l.remarks}`).sort();
      if (r.body.order.rowVersion !== t.acked!.rowVersion || r.body.order.status !== t.acked!.status || JSON.stringify(fees) !== JSON.stringify(t.acked!.fees)) {
        fail(`the server reads ${t.orderNo} as v${r.body.order.rowVersion} ${r.body.order.status} ${JSON.stringify(fees)}, acknowledged ${show(t.acked)}`);
        return false;
      }
      return saveFees(t, token, r.body.fees);
    }

    async function writer(desk: number, token: string): Promise<void> {
      let current: Tracked | null = null;
      let steps = 0;
      for (let n = 0; !killed; n++) {
        if (!current || steps === 0) {
          const old = tracked.filter((t) => t.desk === desk && t.acked && t.orderNo && t.pending === null && t !== current);
          if (old.length > 0 && random() < 0.3) {
            if (!(await reworkOld(old[int(0, old.length - 1)], token))) return;
            continue;
          }
          current = await create(desk, n, token);
          if (!current) return;
          steps = int(2, 5);
          continue;
        }
        steps--;
        const t: Tracked = current;
        const choice = random();
        let ok: boolean;
        if (choice < 0.35) ok = await saveContent(t, token);
        else if (choice < 0.7 || !NEXT_STATUS[t.acked!.status]) ok = await saveFees(t, token);
        else ok = await setStatus(t, token);
        if (!ok) return;
      }
    }

    const QUERIES = [
      { method: 'dispatch.query', params: {} },
      { method: 'dispatch.query', params: { conditions: [{ field: 'customer', op: 'contains', value: '断电测试*公司' }] } },
      { method: 'fees.query', params: {} },
      { method: 'content.query', params: {} },
    ];
    async function reader(i: number, token: string): Promise<void> {
      for (let k = i; !killed; k++) {
        const known = tracked.filter((t) => t.orderNo);
        const q = k % 3 === 2 && known.length ? { method: 'dispatch.get', params: { orderNo: known[k % known.length].orderNo } } : QUERIES[k % QUERIES.length];
        let r;
        try {
          r = await call(url, q.method, q.params, token);
        } catch (e) {
          if (!killed) fail(`${q.method} failed before the kill: ${(e as Error).message}`);
          return;
        }
        reads++;
        if (r.status >= 500) serverErrors++;
        if (r.status !== 200) fail(`${q.method}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      }
    }

    /** The order as the database file holds it. */
    function stored(db: Database.Database, orderNo: string): (State & { problem: string }) | null {
      const o = db.prepare('SELECT id, status, row_version, problem FROM dispatch_orders WHERE order_no = ?').get(orderNo) as
        | { id: number; status: string; row_version: number; problem: string }
        | undefined;
      if (!o) return null;
      const contents = db.prepare("SELECT work_type || '|' || hours_x100 || '|' || findings FROM service_contents WHERE order_id = ?").pluck().all(o.id) as string[];
      const fees = db
        .prepare("SELECT fee_type || '|' || amount_fen || '|' || payer || '|' || remarks FROM service_fees WHERE order_id = ? AND material_id IS NULL")
        .pluck()
        .all(o.id) as string[];
      return { rowVersion: o.row_version, status: o.status, contents: contents.sort(), fees: fees.sort(), problem: o.problem };
    }

    /** After a kill: the file against every order written so far. */
    function check(): void {
      // Read-only: no checkpoint on close, so the next server starts on the WAL the kill left.
      const db = new Database(dbFile, { readonly: true });
      try {
        const integrity = db.pragma('integrity_check', { simple: true });
        if (integrity !== 'ok') fail(`integrity_check: ${integrity}`);
        const dup = db.prepare('SELECT order_no FROM dispatch_orders GROUP BY order_no HAVING count(*) > 1').pluck().all();
        if (dup.length) fail(`order numbers twice: ${dup.join(', ')}`);
        for (let i = 0; i < tracked.length; i++) {
          const t = tracked[i];
          if (t.orderNo === null) {
            // A create never answered: there or not, but if there, as created.
            if (!t.pending) {
              tracked.splice(i--, 1); // refused (a failure already)
              continue;
            }
            const nos = db.prepare('SELECT order_no FROM dispatch_orders WHERE problem = ?').pluck().all(t.tag) as string[];
            inFlightAtKill++;
            if (nos.length === 0) {
              tracked.splice(i--, 1);
              continue;
            }
            const found = nos.length === 1 ? stored(db, nos[0]) : null;
            const { problem: _p, ...s } = found ?? { problem: '' };
            if (!found || !sameState(s as State, t.pending)) {
              fail(`unanswered create ${t.tag} is there as ${nos.join(', ')} ${show(found)}`);
              tracked.splice(i--, 1);
              continue;
            }
            if (byOrderNo.has(nos[0])) fail(`order number ${nos[0]} of unanswered ${t.tag} was acknowledged for ${byOrderNo.get(nos[0])!.tag}`);
            inFlightLanded++;
            t.orderNo = nos[0];
            byOrderNo.set(nos[0], t);
            t.acked = t.pending;
            t.pending = null;
            continue;
          }
          const s = stored(db, t.orderNo);
          if (!s) {
            fail(`acknowledged order ${t.orderNo} (${t.tag}) is missing`);
            continue;
          }
          if (s.problem !== t.tag) fail(`order ${t.orderNo} holds ${s.problem}, acknowledged as ${t.tag}`);
          const { problem: _p, ...state } = s;
          if (t.pending) inFlightAtKill++;
          if (sameState(state, t.acked!)) {
            // the acknowledged state; a write in flight did not land
          } else if (t.pending && sameState(state, t.pending)) {
            inFlightLanded++;
            t.acked = t.pending;
          } else {
            fail(
              `order ${t.orderNo} is ${show(state)}; acknowledged ${show(t.acked)}` +
                (t.pending ? `, in flight (${t.pendingMethod}) ${show(t.pending)}` : ''),
            );
            t.acked = state; // report each loss once
          }
          t.pending = null;
          t.pendingMethod = null;
        }
      } finally {
        db.close();
      }
    }

    const start = () => startServerProcess(dbFile, 0, { bundle: bundle.entry, args: ['--no-backup', '--read-workers', '1'] });
    let server = await start();
    let kills = 0;
    let startMs = 0;
    try {
      url = server.url;
      // Sessions are rows in the database: logged in once, the tokens hold across kills (an
      // acknowledged login is a write too). One login after the other (login throttling).
      const tokens: string[] = [];
      for (const user of [...Array(WRITERS).fill('clerk'), ...Array(READERS).fill('manager')]) {
        const r = await call(url, 'auth.login', { username: user, password: 'demo123' });
        expect(r.status).toBe(200);
        tokens.push(r.body.token);
      }
      for (round = 0; round < KILLS; round++) {
        if (round > 0) {
          const t0 = Date.now();
          server = await start();
          url = server.url;
          startMs += Date.now() - t0;
        }
        killed = false;
        // The server is back and takes a write (and shows the acknowledged ones, below).
        if (!(await create(0, -1, tokens[0]))) fail('the restarted server did not take a create');
        const loops = [...tokens.slice(0, WRITERS).map((tk, d) => writer(d, tk)), ...tokens.slice(WRITERS).map((tk, i) => reader(i, tk))];
        await new Promise((r) => setTimeout(r, int(50, 400)));
        const exited = new Promise((r) => server.child.once('exit', r));
        killed = true;
        server.child.kill('SIGKILL');
        await exited;
        kills++;
        await Promise.all(loops);
        check();
        if (failures.length) break;
      }
      // The last restart: the server comes back and takes a write once more.
      server = await start();
      url = server.url;
      killed = false;
      round = KILLS;
      if (!(await create(0, -1, tokens[0]))) fail('the restarted server did not take a create');
      await server.stop();
      check();
    } finally {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    }

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const orders = tracked.filter((t) => t.orderNo).length;
    console.log(
      `crash-kill: ${kills} kills (seed ${SEED}), ${acknowledged} acknowledged writes checked (${orders} orders re-checked after every kill), ` +
        `${inFlightAtKill} in flight at kill (${inFlightLanded} landed whole, ${inFlightAtKill - inFlightLanded} not there), ${reads} reads, ` +
        `${serverErrors} 5xx, ${failures.length} failures, ${seconds} s (${(startMs / 1000).toFixed(1)} s restarting)`,
    );
    expect(failures).toEqual([]);
    expect(serverErrors).toBe(0);
    expect(acknowledged).toBeGreaterThan(KILLS * 2);
  }, 600_000);
});

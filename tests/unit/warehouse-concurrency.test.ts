import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../db/demo/generate.js';
import { orderDay } from '../../db/services/orders.js';
import type { Attempt } from './warehouse-concurrency-worker.js';
import { ledgerProblems, makeWarehouseFixture, type WarehouseFixture } from './warehouse-fixture.js';

// Two desks issuing the last units of one part at the same moment, round after round: what is
// there is issued exactly once in total, the rest refused with the reason (never a negative
// balance, never a serial issued twice), and the LY numbers stay unique and consecutive.

const root = resolve(import.meta.dirname, '../..');
const bin = resolve(root, 'node_modules/.bin');
const ROUNDS = 30;

/** A long-lived worker process (tsx, as spawnTs) that takes one JSON command per stdin line. */
class Desk {
  readonly child: ChildProcess;
  private buffer = '';
  private lines: string[] = [];
  private waiting: ((line: string) => void)[] = [];
  output = '';

  constructor(readonly name: string, file: string, nowIso: string) {
    this.child = spawn(resolve(bin, 'tsx'), [resolve(root, 'tests/unit/warehouse-concurrency-worker.ts'), file, name, nowIso], {
      cwd: root,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => {
      this.output += d;
      this.buffer += d;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        const w = this.waiting.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d));
  }

  /** The next line it prints (rejects after `ms`, with everything it printed). */
  next(ms = 30_000): Promise<string> {
    const ready = this.lines.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`${this.name} said nothing for ${ms} ms; printed: ${this.output}`)), ms);
      this.waiting.push((line) => {
        clearTimeout(timer);
        done(line);
      });
    });
  }

  send(command: object): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  stop(): Promise<void> {
    return new Promise((done) => {
      if (this.child.exitCode !== null) return done();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      this.child.once('close', () => {
        clearTimeout(timer);
        done();
      });
      this.send({ quit: true });
      this.child.stdin!.end();
    });
  }
}

let f: WarehouseFixture;
let desks: Desk[] = [];
beforeAll(async () => {
  f = await makeWarehouseFixture(0);
});
afterAll(async () => {
  await Promise.all(desks.map((d) => d.stop()));
  f?.close();
});

interface RoundResult {
  round: number;
  began: number;
  ended: number;
  attempts: Attempt[];
  crash?: string;
}

describe('two desks issuing the last units at once', () => {
  it(`issues exactly what is there, ${ROUNDS} rounds, and refuses the rest with the reason`, async () => {
    const rng = mulberry32(8);
    const now = f.clock.now;
    const lyBefore = f.db.prepare("SELECT doc_no FROM stock_documents WHERE doc_type = 'issue'").pluck().all() as string[];
    const plain = await f.part({ name: '并发轴承' });
    const tracked = await f.part({ name: '并发电机', serialTracked: true });
    desks = ['desk-A', 'desk-B'].map((name) => new Desk(name, f.file, now.toISOString()));
    for (const d of desks) expect(JSON.parse(await d.next(60_000)), d.output).toEqual({ ready: d.name });

    const materialOf = f.db.prepare('SELECT issued_qty FROM order_materials WHERE order_id = (SELECT id FROM dispatch_orders WHERE order_no = ?) AND part_id = ?').pluck();
    const serialPlace = f.db.prepare('SELECT s.state, o.order_no FROM serials s LEFT JOIN dispatch_orders o ON o.id = s.order_id WHERE s.part_id = ? AND s.serial_no = ?');
    const docLines = f.db.prepare(
      `SELECT d.doc_type, o.order_no, l.part_id, l.quantity, l.serials FROM stock_documents d JOIN issue_lines l ON l.document_id = d.id
       LEFT JOIN dispatch_orders o ON o.id = d.order_id WHERE d.doc_no = ?`,
    );
    let issuedTotal = 0;
    const docNos: string[] = [];
    let refusedTotal = 0;
    let bothWon = 0;
    let overlapping = 0;
    let midRace = 0;

    for (let round = 1; round <= ROUNDS; round++) {
      const n = 1 + Math.floor(rng() * 5);
      const isTracked = rng() < 0.4;
      const partId = isTracked ? tracked : plain;
      const serials = isTracked ? Array.from({ length: n }, (_, i) => `R${round}-${i + 1}`) : [];
      await f.receive(partId, n, serials);
      expect(f.balance(partId)).toBe(n);
      // Sometimes both desks issue for one order, sometimes each for its own.
      const first = (await f.order()).orderNo;
      const orders = rng() < 0.5 ? [first, first] : [first, (await f.order()).orderNo];

      const startAt = Date.now() + 200;
      desks.forEach((d, i) =>
        d.send({ round, orderNo: orders[i], partId, warehouseId: f.main, max: n, serials, seed: round * 10 + i, startAt }),
      );
      const results = (await Promise.all(desks.map((d) => d.next()))).map((l) => JSON.parse(l) as RoundResult);
      const label = `round ${round}: ${isTracked ? `${n} serials` : `${n} units`} → ${JSON.stringify(results)}`;
      for (const r of results) {
        expect(r.crash, label).toBeUndefined();
        expect(r.round).toBe(round);
      }

      // Exactly what was received went out, across both desks.
      const won = results.map((r) => r.attempts.filter((a) => a.ok));
      const issued = won.flat().reduce((s, a) => s + a.requested, 0);
      expect(issued, label).toBe(n);
      issuedTotal += issued;
      docNos.push(...won.flat().map((a) => a.docNo!));
      if (won.every((w) => w.length > 0)) bothWon++;
      // Lost in mid-race: refused while the other desk was taking (some left, or a serial it took).
      if (results.some((r) => r.attempts.some((a) => !a.ok && (isTracked || Number(a.reason?.params?.available) > 0)))) midRace++;
      if (results[0].began <= results[1].ended && results[1].began <= results[0].ended) overlapping++;

      // Every refusal names its reason, and what it says is left is less than asked for.
      for (const r of results) {
        for (const a of r.attempts.filter((x) => !x.ok)) {
          refusedTotal++;
          expect(a.code, label).toBe('REFUSED');
          if (isTracked) {
            expect(a.reason?.code, label).toBe('SERIAL_NOT_IN_WAREHOUSE');
            // The serial it names was really taken by a document of the round.
            expect(won.flat().some((w) => w.serials.includes(String(a.reason!.params!.serial))), label).toBe(true);
          } else {
            expect(a.reason?.code, label).toBe('INSUFFICIENT_STOCK');
            const available = Number(a.reason!.params!.available);
            expect(available, label).toBeGreaterThanOrEqual(0);
            expect(available, label).toBeLessThan(a.requested);
            expect(a.reason!.params!.requested, label).toBe(a.requested);
          }
        }
        // A quantity desk stops only when told nothing is left.
        if (!isTracked) expect(r.attempts.at(-1)!.reason?.params?.available, label).toBe(0);
      }
      if (isTracked) {
        // Each serial went out once, to the order of the desk that won it.
        const wonSerials = won.flatMap((w, i) => w.flatMap((a) => a.serials.map((s) => [s, orders[i]] as const)));
        expect(wonSerials.map(([s]) => s).sort(), label).toEqual([...serials].sort());
        for (const [s, orderNo] of wonSerials) expect(serialPlace.get(partId, s), label).toEqual({ state: 'issued', order_no: orderNo });
      }

      // Nothing left, nothing below zero; each order's issued count is what its desks got.
      expect(f.balance(partId), label).toBe(0);
      const perOrder = new Map<string, number>();
      won.forEach((w, i) => perOrder.set(orders[i], (perOrder.get(orders[i]) ?? 0) + w.reduce((s, a) => s + a.requested, 0)));
      for (const [orderNo, qty] of perOrder) expect((materialOf.get(orderNo, partId) as number | undefined) ?? 0, label).toBe(qty);
      // Each document a desk was told about is what it asked for; refused ones left nothing.
      won.forEach((w, i) => {
        for (const a of w) {
          expect(docLines.all(a.docNo), label).toEqual([
            { doc_type: 'issue', order_no: orders[i], part_id: partId, quantity: a.requested, serials: a.serials.join(', ') },
          ]);
        }
      });
      expect(ledgerProblems(f), label).toEqual([]);
    }

    // The ledger adds up, and the desks saw exactly the documents that exist.
    const partIn = `part_id IN (${plain}, ${tracked})`;
    expect(issuedTotal).toBe(f.db.prepare(`SELECT -sum(quantity) FROM stock_ledger WHERE doc_type = 'issue' AND ${partIn}`).pluck().get());
    expect(refusedTotal).toBeGreaterThan(0);

    // LY numbers: one per posted issue, unique, consecutive on the business day (after any the
    // day had before), rising in commit order: each was allocated in its own write transaction.
    const day = orderDay(now);
    const ly = (f.db.prepare("SELECT doc_no FROM stock_documents WHERE doc_type = 'issue' ORDER BY id").pluck().all() as string[]).filter((n) => !lyBefore.includes(n));
    expect(new Set(ly).size).toBe(ly.length);
    expect([...ly].sort()).toEqual([...docNos].sort());
    expect(ly.every((n) => /^LY\d{12}$/.test(n) && n.startsWith(`LY${day}`))).toBe(true);
    const firstSerial = Math.max(0, ...lyBefore.filter((n) => n.startsWith(`LY${day}`)).map((n) => Number(n.slice(10)))) + 1;
    expect(ly.map((n) => Number(n.slice(10)))).toEqual(Array.from({ length: ly.length }, (_, i) => firstSerial + i));

    // The desks really raced: in some rounds both got units, and their attempts overlapped in time.
    console.log(`rounds: ${ROUNDS}, both desks got units: ${bothWon}, lost in mid-race: ${midRace}, overlapping: ${overlapping}`);
    expect(bothWon).toBeGreaterThan(0);
    expect(midRace).toBeGreaterThan(0);
    expect(overlapping).toBeGreaterThan(ROUNDS / 3);
  }, 120_000);
});

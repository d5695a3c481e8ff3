import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open.js';
import { allocateNumber, createOrder, orderDay } from '../../db/services/orders.js';
import { finished, spawnTs } from '../helpers/spawn.js';
import { makeFixture, orderInput, type Fixture } from './dispatch-fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture(3000);
});
afterAll(() => f?.close());

const serial = (orderNo: string) => Number(orderNo.slice(10));
const dayNumbers = (day: string) =>
  f.db.prepare("SELECT order_no FROM dispatch_orders WHERE order_no LIKE 'SN' || ? || '%'").pluck().all(day) as string[];

describe('order numbers under concurrent saves', () => {
  it('continues after the demo numbers of the day, two processes saving at once: no duplicate, no gap', async () => {
    const now = f.clock.now;
    const day = orderDay(now);
    const before = dayNumbers(day).map(serial);
    expect(before.length).toBeGreaterThan(0); // the demo has orders today
    const highest = Math.max(...before);
    // Far enough ahead that both processes are up (tsx takes a moment) before either starts.
    const startAt = Date.now() + 5000;
    const desks = [1, 3].map((user) => spawnTs('tests/unit/dispatch-numbering-worker.ts', [f.file, '400', String(user), now.toISOString(), String(startAt)]));
    const results = await Promise.all(desks.map((d) => finished(d, 120_000)));
    const got = results.map((r) => {
      expect(r.code, r.output).toBe(0);
      return JSON.parse(r.output.trim().split('\n').at(-1)!) as string[];
    });
    const all = got.flat();
    expect(all).toHaveLength(800);
    expect(new Set(all).size).toBe(800);
    expect(all.every((n) => n.startsWith(`SN${day}`) && /^SN\d{8}\d{4}$/.test(n))).toBe(true);
    const serials = all.map(serial).sort((a, b) => a - b);
    expect(serials).toEqual(Array.from({ length: 800 }, (_, i) => highest + 1 + i));
    // Each desk's own numbers rise; the two interleaved (both really ran at once).
    for (const mine of got) expect(mine.map(serial)).toEqual([...mine.map(serial)].sort((a, b) => a - b));
    const [a, b] = got.map((g) => g.map(serial));
    const interleaved = a.some((s, i) => i > 0 && b.some((t) => t > a[i - 1] && t < s));
    expect(interleaved).toBe(true);
    expect(f.db.prepare("SELECT last_serial FROM document_series WHERE prefix = 'SN' AND day = ?").pluck().get(day)).toBe(highest + 800);
  }, 180_000);

  it('two connections alternating in one process get consecutive numbers', () => {
    const other = openDatabase(f.file);
    try {
      const now = new Date(f.clock.now.getTime() + 86_400_000); // a new day: the series starts at 1
      const day = orderDay(now);
      const actor = { user: { id: 1, username: 'clerk', displayName: '陈晓燕', role: 'clerk' as const }, now };
      const input = { ...orderInput(f), project: '', address: '', deviceName: '', deviceModel: '', devicePartNo: '', deviceSerialNo: '', expectedAt: null };
      const numbers: string[] = [];
      for (let i = 0; i < 40; i++) numbers.push(createOrder(i % 2 ? other : f.db, input, actor).orderNo);
      expect(numbers).toEqual(Array.from({ length: 40 }, (_, i) => `SN${day}${String(i + 1).padStart(4, '0')}`));
    } finally {
      other.close();
    }
  });

  it('never gives out a number stored by other means, even when the series is behind', () => {
    const now = new Date(f.clock.now.getTime() + 2 * 86_400_000);
    const day = orderDay(now);
    const tx = f.db.transaction(() => allocateNumber(f.db, 'SN', now));
    expect(tx.immediate()).toBe(`SN${day}0001`);
    // An order numbered 0007 appears (an import); the series still says 1.
    f.db.prepare(`UPDATE dispatch_orders SET order_no = ? WHERE id = (SELECT max(id) FROM dispatch_orders)`).run(`SN${day}0007`);
    expect(tx.immediate()).toBe(`SN${day}0008`);
    // A series ahead of the stored numbers (numbers given out, orders deleted) is not reused either.
    f.db.prepare("UPDATE document_series SET last_serial = 20 WHERE prefix = 'SN' AND day = ?").run(day);
    expect(tx.immediate()).toBe(`SN${day}0021`);
    expect(() => allocateNumber(f.db, 'SN', now)).toThrow(/inside the writing transaction/);
  });
});

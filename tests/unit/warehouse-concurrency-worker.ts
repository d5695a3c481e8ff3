// One warehouse desk issuing the last units of a part as fast as it can, round after round:
// `tsx warehouse-concurrency-worker.ts <db> <desk name> <now ISO>`.
// Reads one JSON command per line on stdin ({round, orderNo, partId, warehouseId, max, serials,
// seed, startAt} or {quit: true}); at `startAt` (both desks get the same) it issues until the
// stock is gone, then prints one JSON line {round, attempts} (or {round, crash} when something
// other than a ServiceError was thrown).
import { createInterface } from 'node:readline';
import { Backend } from '../../db/backend.js';
import { mulberry32 } from '../../db/demo/generate.js';
import { openDatabase } from '../../db/open.js';
import { ServiceError } from '../../shared/errors.js';

interface Command {
  round: number;
  orderNo: string;
  partId: number;
  warehouseId: number;
  /** Units received this round (non-serial part): each chunk asked for is 1..max. */
  max: number;
  /** The serials received this round (serial-tracked part); empty otherwise. */
  serials: string[];
  seed: number;
  startAt: number;
  quit?: boolean;
}

export interface Attempt {
  requested: number;
  serials: string[];
  ok: boolean;
  docNo?: string;
  code?: string;
  reason?: { code: string; params?: Record<string, string | number> };
  /** When the answer came (ms since the epoch). */
  at: number;
}

const [file, desk, nowIso] = process.argv.slice(2);
const db = openDatabase(file);
const now = new Date(nowIso);
const backend = new Backend(db, { now: () => now });
const pause = new Int32Array(new SharedArrayBuffer(4));

async function run(c: Command, token: string): Promise<{ began: number; list: Attempt[] }> {
  const rng = mulberry32(c.seed);
  const attempts: Attempt[] = [];
  const post = async (quantity: number, serials: string[]): Promise<Attempt> => {
    const attempt: Attempt = { requested: quantity, serials, ok: false, at: 0 };
    try {
      attempt.docNo = (
        await backend.call('issues.post', { orderNo: c.orderNo, warehouseId: c.warehouseId, remarks: desk, lines: [{ partId: c.partId, quantity, serials }] }, token)
      ).docNo;
      attempt.ok = true;
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      attempt.code = err.code;
      attempt.reason = err.reason;
    }
    attempt.at = Date.now();
    attempts.push(attempt);
    // A breath between documents, as at a desk: without it one process can take the write lock
    // again and again while SQLite's busy handler keeps the other asleep (it backs off in ms).
    Atomics.wait(pause, 0, 0, 1);
    return attempt;
  };
  // Both desks start at the same moment.
  while (Date.now() < c.startAt) {
    /* spin */
  }
  const began = Date.now();
  if (c.serials.length) {
    // Serials: this desk tries every serial of the round (in its own order, in chunks); a
    // serial the other desk took is named by the refusal and dropped.
    const remaining = [...c.serials];
    for (let i = remaining.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [remaining[i], remaining[j]] = [remaining[j], remaining[i]];
    }
    while (remaining.length) {
      const chunk = remaining.slice(0, rng() < 0.5 ? 1 : 1 + Math.floor(rng() * remaining.length));
      const a = await post(chunk.length, chunk);
      if (a.ok) remaining.splice(0, chunk.length);
      else if (a.reason?.code === 'SERIAL_NOT_IN_WAREHOUSE' && remaining.includes(String(a.reason.params?.serial))) {
        remaining.splice(remaining.indexOf(String(a.reason.params?.serial)), 1);
      } else break; // anything else is judged by the test
    }
    return { began, list: attempts };
  }
  // Quantities: ask for 1..max; when refused, ask again for at most what the refusal said is
  // left; stop when it says nothing is left.
  // Often one unit at a time (many small documents race), else any chunk up to all.
  const chunk = () => (rng() < 0.5 ? 1 : 1 + Math.floor(rng() * c.max));
  let want = chunk();
  for (;;) {
    const a = await post(want, []);
    if (a.ok) {
      want = chunk();
      continue;
    }
    const available = a.reason?.code === 'INSUFFICIENT_STOCK' ? Number(a.reason.params?.available) : NaN;
    if (!(available > 0 && available < want)) break; // 0 left (the end), or something the test judges
    want = 1 + Math.floor(rng() * available);
  }
  return { began, list: attempts };
}

async function main() {
  const token = (await backend.call('auth.login', { username: 'warehouse', password: 'demo123' })).token;
  console.log(JSON.stringify({ ready: desk }));
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const c = JSON.parse(line) as Command;
    if (c.quit) break;
    try {
      const attempts = await run(c, token);
      console.log(JSON.stringify({ round: c.round, began: attempts.began, ended: Date.now(), attempts: attempts.list }));
    } catch (err) {
      console.log(JSON.stringify({ round: c.round, crash: String((err as Error).stack ?? err) }));
    }
  }
  db.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http-server.js';
import { contract, type MethodName } from '../../shared/contract.js';
import { mulberry32 } from '../../db/demo/generate.js';
import { makeDemoDb } from '../helpers/demo-db.js';

// Issue 10: every schema bounded → bad input gets a 4xx, never a 5xx. 10,000 random and mutated
// calls to every method of the contract, over loopback to a real server on a demo database,
// signed in as an administrator (who may call everything). Valid-looking params are made from
// each method's params schema (as JSON Schema) with values of the database, then mutated: wrong
// types, extremes, huge and odd strings, deep nesting, missing and extra fields; a few calls
// send raw junk bodies or unknown method names. Deterministic for a seed (FUZZ_SEED).
const CALLS = Number(process.env.FUZZ_CALLS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_010);
const PARALLEL = 4;

let server: RunningServer;
let dir: string;
let dbFile: string;
const logged: string[] = [];

const random = mulberry32(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  prefixItems?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  pattern?: string;
  $ref?: string;
  $defs?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
};

/** Values of the database, so that many calls reach past validation into the services. */
const pool: Record<string, (string | number)[]> = {};

const junk: (() => unknown)[] = [
  () => null,
  () => true,
  () => -1,
  () => 0,
  () => 1.5,
  () => 1e308,
  () => -1e308,
  () => 2 ** 53 + 2,
  () => '',
  () => ' ',
  () => 'x'.repeat(int(100, 20_000)),
  () => '\u0000\u0001\ud800',
  () => '🙂'.repeat(int(1, 300)),
  () => `%_*'";--${'*'.repeat(int(0, 50))}`,
  () => '2026-02-30',
  () => '9999-99-99T99:99:99Z',
  () => '__proto__',
  () => [],
  () => ({}),
  () => ({ __proto__: { admin: true }, constructor: 'x' }),
  () => Array.from({ length: int(0, 500) }, () => int(-5, 5)),
  // Nesting, shallow or far past any sensible bound (SQLite's json_valid stops at 1000 levels;
  // JSON.stringify overflows the stack a few thousand levels down, so it is put in as text).
  () => `\u0001deep:${random() < 0.5 ? int(2, 40) : int(900, 20_000)}:${pick(['a', 'o'])}\u0001`,
];

/** The text of the params, with the deep nestings written out. */
function toBody(params: unknown): string {
  return (JSON.stringify(params) ?? 'null').replace(/"\\u0001deep:(\d+):([ao])\\u0001"/g, (_m, n: string, kind: string) =>
    kind === 'a' ? `${'['.repeat(Number(n))}1${']'.repeat(Number(n))}` : `${'{"a":'.repeat(Number(n))}1${'}'.repeat(Number(n))}`,
  );
}

function generate(schema: Schema, root: Schema, key: string, depth: number): unknown {
  if (random() < 0.06) return pick(junk)();
  if (schema.$ref) {
    const name = schema.$ref.replace(/^#\/\$defs\//, '');
    const target = root.$defs?.[name];
    return target && depth < 12 ? generate(target, root, key, depth + 1) : null;
  }
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return pick(schema.enum);
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return generate(pick(options), root, key, depth + 1);
  if (schema.allOf) return generate(schema.allOf[0], root, key, depth + 1);
  const known = pool[key];
  if (known && random() < 0.6) return pick(known);
  const type = Array.isArray(schema.type) ? pick(schema.type) : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [name, prop] of Object.entries(schema.properties ?? {})) {
        if (required.has(name) ? random() < 0.03 : random() < 0.4) continue;
        out[name] = depth > 14 ? null : generate(prop, root, name, depth + 1);
      }
      if (random() < 0.05) out[pick(['extra', 'id', '__proto__', 'password_hash'])] = pick(junk)();
      return out;
    }
    case 'array': {
      const min = schema.minItems ?? 0;
      const max = Math.min(schema.maxItems ?? 6, 6);
      if (schema.prefixItems) return schema.prefixItems.map((s) => generate(s, root, key, depth + 1));
      const n = random() < 0.03 ? int(max + 1, max + 300) : int(min, Math.max(min, max));
      return Array.from({ length: n }, () => (schema.items && depth <= 14 ? generate(schema.items, root, key, depth + 1) : null));
    }
    case 'integer':
    case 'number': {
      const lo = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -5);
      const hi = Math.min(schema.maximum ?? 60, lo + 200);
      const n = random() < 0.1 ? pick([lo - 1, hi + 1, 0, -1, 2 ** 31, 9_007_199_254_740_991]) : int(lo, Math.max(lo, hi));
      return type === 'number' && random() < 0.3 ? n + 0.25 : n;
    }
    case 'boolean':
      return random() < 0.5;
    case 'null':
      return null;
    case 'string': {
      if (schema.format === 'date' || /date/i.test(key)) return pick(['2026-06-30', '2026-01-01', '2025-12-31', '2026-13-01', 'yesterday']);
      if (schema.format === 'date-time' || /At$|time/i.test(key)) return pick(['2026-06-30T10:00:00Z', '2026-06-30T10:00', 'soon']);
      const min = schema.minLength ?? 0;
      const max = Math.min(schema.maxLength ?? 30, 40);
      const n = random() < 0.05 ? (schema.maxLength ?? 200) + int(1, 50) : int(min, Math.max(min, max));
      const alphabet = 'abcXYZ019*%_ 售服派工单华信有限公司-.';
      return Array.from({ length: n }, () => alphabet[int(0, alphabet.length - 1)]).join('');
    }
    default:
      return pick(junk)();
  }
}

const schemas = new Map<string, Schema>();
for (const [method, spec] of Object.entries(contract)) {
  schemas.set(method, z.toJSONSchema((spec as { params: z.ZodType }).params, { unrepresentable: 'any', io: 'input' }) as Schema);
}
const methods = [...schemas.keys()] as MethodName[];

beforeAll(async () => {
  ({ dir, file: dbFile } = await makeDemoDb(200));
  const db = new Database(dbFile, { readonly: true });
  const column = (sql: string) => (db.prepare(sql).pluck().all() as (string | number)[]).slice(0, 40);
  pool.orderNo = column('SELECT order_no FROM dispatch_orders ORDER BY id DESC');
  pool.orderNos = pool.orderNo;
  pool.list = ['dispatch', 'content', 'fees', 'materials', 'issue', 'return', 'owed', 'stock', 'ledger', 'parts', 'nope'];
  pool.module = pool.list;
  pool.field = ['any', 'order_no', 'customer', 'status', 'created_at', 'amount_fen', 'region', 'nope', 'password_hash'];
  pool.op = ['contains', 'equals', 'empty', 'gte', 'lte', 'between', 'on', 'from', 'to', 'oneOf', 'nope'];
  pool.username = ['ghost', 'nobody', 'x'];
  pool.docNo = column("SELECT doc_no FROM stock_documents UNION SELECT 'LY202606300001'").concat(['HC1']);
  pool.serialNo = column('SELECT serial_no FROM serials LIMIT 20').concat(['SN-NONE']);
  db.close();
  server = await startServer({ dbFile, port: 0, host: '127.0.0.1', log: (m) => logged.push(m) });
}, 120_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(path: string, body: string, token: string | null, contentType = 'application/json'): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': contentType, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body,
  });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: res.status, code };
}

describe('fuzzing the contract over HTTP', () => {
  it(`answers ${CALLS} random and mutated calls to every method without a single 5xx`, async () => {
    const login = async () =>
      ((await (
        await fetch(`${server.url}/api/auth.login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password: 'demo123' }),
        })
      ).json()) as { token: string }).token;
    let token = await login();
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const reachedService = new Set<string>();
    let next = 0;

    const one = async (i: number): Promise<void> => {
      const roll = random();
      let path: string;
      let body: string;
      let method = '';
      let contentType = 'application/json';
      if (roll < 0.03) {
        path = `/api/${pick(['dispatch.explode', '', '..%2Fx', 'constructor', '__proto__', 'export/x/file'])}`;
        body = '{}';
      } else if (roll < 0.08) {
        method = pick(methods);
        path = `/api/${method}`;
        body = pick(['', '{', '[1,2', 'null', '1e999999', '"x"', '{"a":1e400}', '\ufeff{}', '{"a":"\\ud800"}', '['.repeat(5000), '{}'.repeat(3)]);
        if (random() < 0.3) contentType = pick(['text/plain', 'application/json; charset=latin1', 'application/jsonx']);
      } else {
        method = methods[i % methods.length];
        path = `/api/${method}`;
        const root = schemas.get(method)!;
        body = toBody(generate(root, root, '', 0));
      }
      // Logging out the fuzzing session would only turn the rest into 401s: another token.
      const useToken = method === 'auth.logout' ? 'not-a-token' : random() < 0.04 ? pick([null, 'bogus']) : token;
      const r = await call(path, body, useToken, contentType);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      if (r.status >= 500) failures.push(`${r.status} ${r.code} ${path} ${body.slice(0, 300)}`);
      if (r.status === 200 || r.code === 'REFUSED' || r.code === 'CONFLICT' || r.code === 'NOT_FOUND') reachedService.add(method);
      if (r.code === 'SESSION_EXPIRED' && useToken === token) token = await login();
    };

    const worker = async () => {
      while (next < CALLS) await one(next++);
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));

    const summary = [...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ');
    console.log(`fuzz: seed ${SEED}, ${CALLS} calls: ${summary}; ${reachedService.size} of ${methods.length} methods answered from their service`);
    expect(failures, `seed ${SEED}; statuses ${summary}; first failures:\n${failures.slice(0, 5).join('\n')}\nlog:\n${logged.slice(0, 3).join('\n')}`).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(CALLS);
    // The calls were not all refused at the door: most methods answered from their service.
    expect(reachedService.size).toBeGreaterThan(methods.length / 2);
    expect(logged.filter((l) => l.startsWith('internal error'))).toEqual([]);
  }, 600_000);
});

import type { DB } from '../open.js';
import { hashPassword } from '../passwords.js';
import companies from '../../resources/demo/companies.json' with { type: 'json' };
import people from '../../resources/demo/people.json' with { type: 'json' };
import places from '../../resources/demo/places.json' with { type: 'json' };
import projects from '../../resources/demo/projects.json' with { type: 'json' };
import devices from '../../resources/demo/devices.json' with { type: 'json' };
import tasks from '../../resources/demo/tasks.json' with { type: 'json' };
import type { DispatchStatus } from '../../shared/modules/dispatch.js';
import { suggestWarranty } from '../../shared/dispatch/warranty.js';
import type { Role } from '../../shared/roles.js';
import { generateWarehouse, type WarehouseSummary } from './warehouse.js';

// Demo data: a plausible after-sales department — region tree, contracts, devices, engineers,
// task types, the four demo users and any number of 售服派工单. Everything but the password
// salts comes from one seeded generator, so a seed and a `now` always give the same database.

export const DEMO_PASSWORD = 'demo123';
export const DEFAULT_DEMO_SEED = 1;

export interface DemoOptions {
  orders: number;
  seed?: number;
  now?: Date;
  onProgress?: (done: number, total: number) => void;
  /** Progress of the warehouse part (documents over the orders), after the orders. */
  onWarehouseProgress?: (done: number, total: number) => void;
}

export interface DemoSummary {
  seed: number;
  orders: number;
  contracts: number;
  customers: number;
  devices: number;
  engineers: number;
  regions: number;
  taskTypes: number;
  users: number;
  /** Parts catalogue, stock documents, planned material lines and owed records. */
  warehouse: WarehouseSummary;
}

/** Thrown when the target database already holds data; nothing has been written then. */
export class DemoRefusedError extends Error {}

export const demoUsers: readonly { username: string; role: Role; displayName: string }[] = [
  { username: 'clerk', role: 'clerk', displayName: '陈晓燕' },
  { username: 'warehouse', role: 'warehouse', displayName: '王建军' },
  { username: 'manager', role: 'manager', displayName: '刘志强' },
  { username: 'admin', role: 'admin', displayName: '系统管理员' },
];
const ROLE_IDS: Record<Role, number> = { clerk: 1, warehouse: 2, manager: 3, admin: 4 };
const CLERK_ID = 1;
const MANAGER_ID = 3;

// Big enough that a commit is rare, small enough that the WAL and the undo state stay modest
// and progress moves often.
const BATCH_ROWS = 20_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
// The daily serial of an order number has four digits.
const MAX_ORDERS_PER_DAY = 9999;
const DEVICE_COUNT = 300;
// The legacy manual's quick-search example (例：2by*5084*4*1, also *y.50*4.10*4) must find orders
// in every demo of 300 orders or more, and stay a selective pattern (about 1–2% of the orders):
// every FEATURED_CONTRACT_EVERY-th contract (the first, signed earliest, among them) has a unit of
// this part number, and every FEATURED_ORDER_EVERY-th order (from the FEATURED_ORDER_FIRST-th on)
// is for that unit of the latest such contract signed before it. Both replace what was drawn
// without drawing less or more, so the rest of a seed's data stays as it was.
export const MANUAL_PART_NO = '2BY.5084.1044.1';
const FEATURED_CONTRACT_EVERY = 64;
const FEATURED_ORDER_EVERY = 150;
const FEATURED_ORDER_FIRST = 50;

/** mulberry32: tiny, fast and good enough for test data; never Math.random, so runs repeat. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }
  /** Favours the front of the list: surnames and similar lists are ordered by frequency. */
  pickFrontLoaded<T>(list: readonly T[]): T {
    const u = this.next();
    return list[Math.floor(u * u * list.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += this.int(10);
    return s;
  }
  /** Index into `weights` with probability proportional to its weight. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const localDate = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1, 2)}-${pad(d.getDate(), 2)}`;

function mobile(rng: Random): string {
  return `1${rng.between(3, 9)}${rng.digits(9)}`;
}

function personName(rng: Random): string {
  const given = rng.pick(people.givenChars) + (rng.chance(0.7) ? rng.pick(people.givenChars) : '');
  return rng.pickFrontLoaded(people.surnames) + given;
}

interface City {
  regionId: number;
  provinceIndex: number;
  province: string;
  provinceShort: string;
  name: string;
  short: string;
  districts: readonly string[];
}

function address(rng: Random, city: City): string {
  const district = city.districts.length ? rng.pick(city.districts) : '';
  const building = rng.pick(places.buildings);
  return `${city.province}${city.name}${district}${rng.pick(places.streets)}${rng.between(1, 999)}号${building}`;
}

/**
 * Fills an empty database with demo data. Reference data and users are written in one
 * transaction, orders in batches; the meta rows ('demo', 'seed') come last, so their presence
 * tells that a run completed.
 */
export async function generateDemo(db: DB, options: DemoOptions): Promise<DemoSummary> {
  const orders = options.orders;
  if (!Number.isSafeInteger(orders) || orders < 0) throw new RangeError(`orders must be a whole number ≥ 0, got ${orders}.`);
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be a whole number from 0 to 4294967295, got ${seed}.`);
  }
  const now = options.now ?? new Date();
  if (Number.isNaN(now.getTime())) throw new RangeError('now is not a valid date.');
  refuseIfNotEmpty(db);

  // Four scrypt hashes, each with its own salt; done before the write transaction so the
  // database is not locked while they run.
  const hashes = await Promise.all(demoUsers.map(() => hashPassword(DEMO_PASSWORD)));

  const rng = new Random(seed);
  const nowMs = now.getTime();
  // About two years of orders; longer only when the daily serial would otherwise run out.
  const spanDays = Math.max(730, Math.ceil(orders / 3000));
  const ref = db.transaction(() => {
    refuseIfNotEmpty(db);
    const userCreated = new Date(nowMs - 800 * DAY_MS).toISOString();
    const insertUser = db.prepare(
      'INSERT INTO users (id, username, display_name, role_id, password_hash, active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)',
    );
    demoUsers.forEach((u, i) => insertUser.run(ROLE_IDS[u.role], u.username, u.displayName, ROLE_IDS[u.role], hashes[i], userCreated));
    return insertReferenceData(db, rng, seed, orders, nowMs, spanDays);
  });
  const reference = ref.immediate();

  // The order table's five secondary indexes get inserts all over their B-trees; a bigger
  // page cache for the load saves about a sixth of the time at 10⁶ orders.
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  db.pragma('cache_size = -65536');
  let warehouse: WarehouseSummary;
  try {
    await insertOrders(db, rng, seed, reference, orders, now, spanDays, options.onProgress);
    // The warehouse from a stream of its own, so the orders stay what they were for a seed.
    warehouse = await generateWarehouse(db, new Random(subSeed(seed, 3)), nowMs, options.onWarehouseProgress);
  } finally {
    db.pragma(`cache_size = ${cacheSize}`);
  }

  db.prepare(
    `INSERT INTO meta (key, value) VALUES ('demo', '1'), ('seed', ?), ('demo_orders', ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  ).run(String(seed), String(orders));
  // The business time zone of the days (order number date, 三包 today): Beijing, unless set.
  db.prepare("INSERT INTO meta (key, value) VALUES ('time_zone', 'Asia/Shanghai') ON CONFLICT (key) DO NOTHING").run();

  return {
    seed,
    orders,
    contracts: reference.contracts.length,
    customers: reference.customerCount,
    devices: reference.devices.length,
    engineers: reference.engineerCount,
    regions: reference.regionCount,
    taskTypes: tasks.taskTypes.length,
    users: demoUsers.length,
    warehouse,
  };
}

// Not task_types: migration 005 seeds the same six on every database (found by code below).
const DEMO_TABLES = ['dispatch_orders', 'users', 'sales_contracts', 'sales_regions', 'engineers', 'devices', 'parts', 'stock_documents'];

function refuseIfNotEmpty(db: DB): void {
  // Mixing demo rows into existing data would make both useless, and fixed ids would collide.
  const filled = DEMO_TABLES.filter((t) => db.prepare(`SELECT EXISTS (SELECT 1 FROM ${t}) AS x`).pluck().get() === 1);
  if (filled.length) {
    throw new DemoRefusedError(
      `Demo data can only be generated into an empty database; this one already has rows in ${filled.join(', ')}.`,
    );
  }
}

interface Device {
  id: number;
  name: string;
  model: string;
  partNo: string;
  serialPrefix: string;
}

/** A machine the customer bought under a contract; its orders share the serial number. */
interface Unit {
  device: Device;
  serialNo: string;
}

interface Contract {
  id: number;
  contractNo: string;
  project: string;
  customer: string;
  address: string;
  regionId: number;
  signMs: number;
  /** Local day the goods were delivered; null when not recorded (or not yet delivered). */
  deliveryDate: string | null;
  signDate: string;
  provinceIndex: number;
  units: Unit[];
  /** Its first unit is the manual's example part (MANUAL_PART_NO). */
  featured: boolean;
  contacts: { name: string; phone: string }[];
}

interface Reference {
  contracts: Contract[];
  /** The task_types id of each entry of tasks.taskTypes. */
  taskTypeIds: number[];
  devices: Device[];
  /** Engineer ids by province index: orders go to an engineer of the contract's province. */
  engineersByProvince: number[][];
  engineerCount: number;
  customerCount: number;
  regionCount: number;
}

function insertReferenceData(db: DB, rng: Random, seed: number, orders: number, nowMs: number, spanDays: number): Reference {
  // Region tree 大区 > 省 > 市.
  const insertRegion = db.prepare('INSERT INTO sales_regions (id, parent_id, name) VALUES (?, ?, ?)');
  const cities: City[] = [];
  const provinceRegionIds: number[] = [];
  let regionId = 0;
  for (const area of places.areas) {
    const areaId = ++regionId;
    insertRegion.run(areaId, null, area.name);
    for (const province of area.provinces) {
      const provinceId = ++regionId;
      const provinceIndex = provinceRegionIds.push(provinceId) - 1;
      insertRegion.run(provinceId, areaId, province.name);
      for (const city of province.cities) {
        insertRegion.run(++regionId, provinceId, city.name);
        cities.push({
          regionId,
          provinceIndex,
          province: province.name,
          provinceShort: province.short,
          name: city.name,
          // Districts of a municipality (浦东新区) are not what companies are named after.
          short: city.name.endsWith('市') ? city.name.slice(0, -1) : province.short,
          districts: city.districts,
        });
      }
    }
  }

  // Migration 005 has already put the same task types (same codes) on the database; insert only
  // those missing, and use the ids the rows have.
  const insertTaskType = db.prepare(
    'INSERT INTO task_types (code, name, warranty_months, sort_order, active) VALUES (?, ?, ?, ?, 1) ON CONFLICT (code) DO NOTHING',
  );
  const taskTypeId = db.prepare('SELECT id FROM task_types WHERE code = ?').pluck();
  const taskTypeIds = tasks.taskTypes.map((t, i) => {
    insertTaskType.run(t.code, t.name, t.warrantyMonths, (i + 1) * 10);
    return taskTypeId.get(t.code) as number;
  });

  // Engineers: two to four per province, living there.
  const insertEngineer = db.prepare('INSERT INTO engineers (id, name, phone, region_id, active) VALUES (?, ?, ?, ?, ?)');
  const engineersByProvince: number[][] = [];
  let engineerId = 0;
  provinceRegionIds.forEach((provinceRegionId, p) => {
    engineersByProvince[p] = [];
    const count = rng.between(2, 4);
    for (let i = 0; i < count; i++) {
      insertEngineer.run(++engineerId, personName(rng), mobile(rng), provinceRegionId, 1);
      engineersByProvince[p].push(engineerId);
    }
  });

  // Devices: the fixed part numbers first, then random ones spread over the kinds.
  const insertDevice = db.prepare('INSERT INTO devices (id, part_no, name, model) VALUES (?, ?, ?, ?)');
  const deviceList: Device[] = [];
  const partNos = new Set<string>();
  const addDevice = (kind: (typeof devices.kinds)[number], partNo: string) => {
    partNos.add(partNo);
    const d: Device = { id: deviceList.length + 1, name: kind.name, model: rng.pick(kind.models), partNo, serialPrefix: kind.serial };
    deviceList.push(d);
    insertDevice.run(d.id, d.partNo, d.name, d.model);
  };
  for (const kind of devices.kinds) for (const part of kind.parts) addDevice(kind, part);
  while (deviceList.length < DEVICE_COUNT) {
    const kind = devices.kinds[deviceList.length % devices.kinds.length];
    const partNo = `${kind.family}.${rng.digits(4)}.${rng.digits(4)}.${rng.int(10)}`;
    if (!partNos.has(partNo)) addDevice(kind, partNo);
  }

  // Customers: about three contracts each.
  const contractCount = Math.min(20_000, Math.max(50, Math.round(orders / 50)));
  const customerCount = Math.ceil(contractCount / 3);
  const suffixWeights = companies.suffixes.map((s) => s.weight);
  const customerNames = new Set<string>();
  const customers: { name: string; city: City; address: string; contacts: { name: string; phone: string }[] }[] = [];
  while (customers.length < customerCount) {
    const city = rng.pick(cities);
    const place = rng.next();
    const prefix = place < 0.55 ? city.provinceShort : place < 0.85 ? city.short : '';
    // An exact share rather than a chance, so even a small demo has 华信 customers to find.
    const featured = customers.length % Math.round(1 / companies.featured.share) === 0;
    const brand = featured ? companies.featured.brand : rng.pick(companies.brands);
    const name = prefix + brand + rng.pick(companies.industries) + companies.suffixes[rng.weighted(suffixWeights)].text;
    if (customerNames.has(name)) continue;
    customerNames.add(name);
    const contacts = [];
    for (let i = rng.between(1, 3); i > 0; i--) {
      const contact = rng.chance(0.2) ? rng.pickFrontLoaded(people.surnames) + rng.pick(people.contactTitles) : personName(rng);
      contacts.push({ name: contact, phone: mobile(rng) });
    }
    customers.push({ name, city, address: address(rng, city), contacts });
  }

  // Contracts signed from four years before the first order to a month before `now`, numbered
  // per year in signing order, so an order can pick among the contracts signed before it.
  const earliest = nowMs - (spanDays + 4 * 365) * DAY_MS;
  const latest = nowMs - 30 * DAY_MS;
  const signDays: number[] = [];
  for (let i = 0; i < contractCount; i++) signDays.push(i === 0 ? 0 : rng.int(Math.floor((latest - earliest) / DAY_MS)));
  signDays.sort((a, b) => a - b);
  const insertContract = db.prepare(
    'INSERT INTO sales_contracts (id, contract_no, project, customer, address, sign_date, region_id, delivery_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const contracts: Contract[] = [];
  // Delivery dates from a stream of their own: the main stream, and so everything else the
  // demo makes for a seed, is the same as before delivery dates were added.
  const deliveryRng = new Random(subSeed(seed, 1));
  const serialInYear = new Map<number, number>();
  for (let i = 0; i < contractCount; i++) {
    const signMs = earliest + signDays[i] * DAY_MS;
    const signDate = new Date(signMs);
    const year = signDate.getFullYear();
    const serial = (serialInYear.get(year) ?? 0) + 1;
    serialInYear.set(year, serial);
    // Every customer has at least one contract; the rest go to customers at random.
    const customer = i < customers.length ? customers[i] : rng.pick(customers);
    const subject = rng.pick(projects.subjects).replace('{n}', String(rng.between(1, 12)));
    const project = customer.city.short + subject + rng.pick(projects.phases) + rng.pick(projects.kinds);
    const site = rng.chance(0.7) ? customer.address : address(rng, customer.city);
    const units: Unit[] = [];
    for (let u = rng.between(1, 3); u > 0; u--) {
      const device = rng.pick(deviceList);
      units.push({ device, serialNo: `${device.serialPrefix}${String(year).slice(2)}${rng.digits(6)}` });
    }
    // Delivered two weeks to four months after signing; a few contracts have no record of it.
    const deliveredMs = signMs + deliveryRng.between(14, 120) * DAY_MS;
    const deliveryDate = deliveryRng.chance(0.1) || deliveredMs > nowMs ? null : localDate(new Date(deliveredMs));
    const c: Contract = {
      id: i + 1,
      contractNo: `HT${year}-${pad(serial, 5)}`,
      project,
      customer: customer.name,
      address: site,
      regionId: customer.city.regionId,
      signMs,
      signDate: localDate(signDate),
      deliveryDate,
      provinceIndex: customer.city.provinceIndex,
      units,
      featured: false,
      contacts: customer.contacts,
    };
    const manual = deviceList.find((d) => d.partNo === MANUAL_PART_NO);
    if (manual && i % FEATURED_CONTRACT_EVERY === 0) {
      // The serial keeps the drawn digits, with the prefix of the manual part's kind.
      const drawn = units[0];
      units[0] = { device: manual, serialNo: manual.serialPrefix + drawn.serialNo.slice(drawn.device.serialPrefix.length) };
      c.featured = true;
    }
    contracts.push(c);
    insertContract.run(c.id, c.contractNo, c.project, c.customer, c.address, c.signDate, c.regionId, c.deliveryDate);
  }

  return {
    contracts,
    taskTypeIds,
    devices: deviceList,
    engineersByProvince,
    engineerCount: engineerId,
    customerCount,
    regionCount: regionId,
  };
}

interface ServiceDay {
  ymd: string; // yyyyMMdd of the local date, for the order number
  start: number; // first and last moment orders are taken that day (office hours, not after now)
  end: number;
  weight: number;
}

/** Working days over the span before `now`: fewer orders at weekends, slowly growing business. */
function serviceDays(now: Date, spanDays: number): ServiceDay[] {
  const days: ServiceDay[] = [];
  const y = now.getFullYear();
  const m = now.getMonth();
  const d = now.getDate();
  for (let back = spanDays - 1; back >= 0; back--) {
    // Built from local parts so the date in the order number is the local date of created_at.
    const date = new Date(y, m, d - back);
    const start = new Date(y, m, d - back, 8, 0, 0).getTime();
    const end = Math.min(new Date(y, m, d - back, 18, 30, 0).getTime(), now.getTime());
    if (end <= start) continue;
    const dow = date.getDay();
    const weekday = dow === 0 ? 0.2 : dow === 6 ? 0.35 : 1;
    const growth = 0.8 + (0.4 * (spanDays - back)) / spanDays;
    const share = (end - start) / (10.5 * HOUR_MS);
    days.push({ ymd: localDate(date).replaceAll('-', ''), start, end, weight: weekday * growth * share });
  }
  return days;
}

// Status by the order's age: new orders wait or are being worked on, old ones are done.
const STATUSES: DispatchStatus[] = ['pending', 'dispatched', 'in_progress', 'completed', 'visited', 'cancelled'];
const STATUS_WEIGHTS_BY_AGE: { maxDays: number; weights: number[] }[] = [
  { maxDays: 2, weights: [45, 30, 17, 5, 0, 3] },
  { maxDays: 14, weights: [8, 17, 30, 37, 4, 4] },
  { maxDays: 60, weights: [2, 3, 10, 55, 25, 5] },
  { maxDays: Infinity, weights: [0.5, 0.5, 2, 35, 57, 5] },
];
// How many times an order was saved on its way to that status.
const ROW_VERSION: Record<DispatchStatus, number> = {
  pending: 1,
  dispatched: 2,
  in_progress: 3,
  completed: 4,
  visited: 5,
  cancelled: 2,
};

async function insertOrders(
  db: DB,
  rng: Random,
  seed: number,
  ref: Reference,
  total: number,
  now: Date,
  spanDays: number,
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  onProgress?.(0, total);
  if (total === 0) return;
  const nowMs = now.getTime();
  const days = serviceDays(now, spanDays);
  let weightSum = 0;
  for (const day of days) weightSum += day.weight;

  const taskWeights = tasks.taskTypes.map((t) => t.weight);
  const problemEndings = [...tasks.urgentEndings, ...tasks.otherEndings];
  const urgentEndingCount = tasks.urgentEndings.length;
  const statusWeights = STATUS_WEIGHTS_BY_AGE.map((s) => s.weights);
  const contracts = ref.contracts;
  const insert = db.prepare(`INSERT INTO dispatch_orders (
      order_no, status, contract_id, contract_no, project, customer, address, region_id,
      task_type_id, warranty, warranty_overridden, contact, phone,
      device_id, device_name, device_model, device_part_no, device_serial_no,
      problem, urgency, expected_at, engineer_id,
      created_at, created_by, updated_at, updated_by, row_version,
      warranty_suggested, satisfaction, visit_reason, visit_remarks, visited_at, visited_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const lines = new LineWriter(db, subSeed(seed, 2), ref);
  const insertSeries = db.prepare(
    `INSERT INTO document_series (prefix, day, last_serial) VALUES ('SN', ?, ?)
     ON CONFLICT (prefix, day) DO UPDATE SET last_serial = max(last_serial, excluded.last_serial)`,
  );
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');

  let done = 0;
  let inBatch = 0;
  let cumulative = 0;
  let signedBefore = 0; // contracts signed before the current moment: a prefix of the list
  const featured = contracts.filter((c) => c.featured); // in signing order, like contracts
  let featuredBefore = 0;
  begin.run();
  try {
    for (const day of days) {
      // Whole orders per day from the running share, so the counts add up exactly to total.
      const before = Math.floor((total * cumulative) / weightSum);
      cumulative += day.weight;
      const count = day === days[days.length - 1] ? total - before : Math.floor((total * cumulative) / weightSum) - before;
      if (count > MAX_ORDERS_PER_DAY) throw new RangeError(`Too many orders for one day (${count}); the daily serial has four digits.`);
      if (count > 0) insertSeries.run(day.ymd, count);
      const step = (day.end - day.start) / count;
      for (let serial = 1; serial <= count; serial++) {
        // One random moment inside each equal slice of the day keeps the day's orders in order.
        const created = Math.floor((day.start + (serial - 1 + rng.next()) * step) / 1000) * 1000;
        while (signedBefore < contracts.length && contracts[signedBefore].signMs <= created) signedBefore++;
        // Recent contracts get more calls than old ones.
        let contract = contracts[Math.floor(signedBefore * Math.sqrt(rng.next()))];
        let unit = contract.units[rng.int(contract.units.length)];
        while (featuredBefore < featured.length && featured[featuredBefore].signMs <= created) featuredBefore++;
        if (done % FEATURED_ORDER_EVERY === FEATURED_ORDER_FIRST && featuredBefore > 0) {
          contract = featured[featuredBefore - 1];
          unit = contract.units[0];
        }
        const contact = contract.contacts[rng.int(contract.contacts.length)];

        const taskIndex = rng.weighted(taskWeights);
        const task = tasks.taskTypes[taskIndex];
        const endingIndex = rng.int(problemEndings.length);
        const urgent = endingIndex < urgentEndingCount;
        const problem = task.problems[rng.int(task.problems.length)] + problemEndings[endingIndex];

        const ageDays = (nowMs - created) / DAY_MS;
        let ageBand = 0;
        while (ageDays > STATUS_WEIGHTS_BY_AGE[ageBand].maxDays) ageBand++;
        const status = STATUSES[rng.weighted(statusWeights[ageBand])];
        const engineers = ref.engineersByProvince[contract.provinceIndex];
        const engineerId = status === 'pending' || (status === 'cancelled' && rng.chance(0.5)) ? null : engineers[rng.int(engineers.length)];

        // 三包 is suggested by the server's rule (shared/dispatch/warranty.ts) as of the day the
        // order was taken; a few orders were changed by hand (no invoice, misuse, goodwill).
        const suggested = suggestWarranty(contract, task.warrantyMonths, localDate(new Date(created))).warranty ? 1 : 0;
        const overridden = rng.chance(0.03) ? 1 : 0;
        const warranty = overridden ? 1 - suggested : suggested;

        const expected = created + (urgent ? rng.between(2, 24) * HOUR_MS : rng.between(1, 7) * DAY_MS);
        const rowVersion = ROW_VERSION[status];
        const updated = Math.min(nowMs, created + (rowVersion - 1) * rng.between(2, 60) * HOUR_MS);
        const visit = status === 'visited' ? lines.visit() : null;

        const info = insert.run(
          `SN${day.ymd}${pad(serial, 4)}`,
          status,
          contract.id,
          contract.contractNo,
          contract.project,
          contract.customer,
          contract.address,
          contract.regionId,
          ref.taskTypeIds[taskIndex],
          warranty,
          overridden,
          contact.name,
          contact.phone,
          unit.device.id,
          unit.device.name,
          unit.device.model,
          unit.device.partNo,
          unit.serialNo,
          problem,
          urgent ? 'urgent' : 'normal',
          new Date(expected).toISOString(),
          engineerId,
          new Date(created).toISOString(),
          rng.chance(0.9) ? CLERK_ID : MANAGER_ID,
          new Date(updated).toISOString(),
          status === 'visited' ? MANAGER_ID : CLERK_ID,
          rowVersion,
          contract ? suggested : null,
          visit?.satisfaction ?? null,
          visit?.reason ?? null,
          visit?.remarks ?? null,
          visit ? new Date(updated).toISOString() : null,
          visit ? MANAGER_ID : null,
        );
        lines.write(Number(info.lastInsertRowid), status, engineerId, engineers, taskIndex, warranty === 1, created, updated, nowMs);
        done++;
        if (++inBatch === BATCH_ROWS) {
          commit.run();
          inBatch = 0;
          onProgress?.(done, total);
          // Lets a caller in the same process (Electron main, a server) breathe between batches.
          await new Promise((resolve) => setImmediate(resolve));
          begin.run();
        }
      }
    }
    commit.run();
  } catch (err) {
    if (db.inTransaction) db.prepare('ROLLBACK').run();
    throw err;
  }
  if (inBatch > 0) onProgress?.(done, total);
}

/** The seed of a stream of its own, derived from the demo seed without drawing from the main stream. */
function subSeed(seed: number, stream: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(stream, 0xc2b2ae35)) >>> 0;
}

// Service content and fees: what engineers write on the service order.
const WORK_TYPES = ['现场维修', '更换配件', '调试', '检测', '保养', '培训指导', '电话支持'];
const FINDINGS = [
  '设备停机，控制柜报警灯亮',
  '轴承磨损，运行有异响',
  '密封件老化，轻微渗漏',
  '参数设置被改动',
  '线路接头松动',
  '滤网堵塞，流量下降',
  '传感器接线腐蚀',
  '润滑油不足且变质',
  '设备运行正常，按计划检查',
  '操作人员不熟悉新流程',
];
const WORK_DONE = [
  '更换轴承并重新校准',
  '更换密封件，试机正常',
  '恢复出厂参数并按工况重新设定',
  '紧固接线，检查绝缘',
  '清洗滤网，更换润滑油',
  '更换传感器，标定读数',
  '升级控制程序',
  '对操作人员进行现场培训',
  '按保养规程完成全面检查',
];
const FAULT_CAUSES = ['部件自然磨损', '操作不当', '安装不规范', '环境粉尘大', '电源电压波动', '缺少保养', '产品质量问题', '无故障'];
const UNSOLVED_REASONS = ['等待配件到货', '需厂家技术支持', '客户停产无法试机', '需二次上门'];
const SATISFACTIONS = ['very_satisfied', 'satisfied', 'average', 'unsatisfied'] as const;
const SATISFACTION_WEIGHTS = [45, 40, 11, 4];
const VISIT_REMARKS = ['', '', '客户对响应速度满意', '工程师态度好', '希望缩短配件等待时间', '建议增加培训'];
const UNSATISFIED_REASONS = ['上门不及时', '问题反复出现', '费用解释不清'];
const FEE_TYPES = ['labour', 'travel', 'parts', 'accommodation', 'other'] as const;
// Typical amounts in fen, from–to, by fee type.
const FEE_RANGES: Record<(typeof FEE_TYPES)[number], [number, number]> = {
  labour: [200_00, 2_000_00],
  travel: [50_00, 1_500_00],
  parts: [30_00, 8_000_00],
  accommodation: [150_00, 900_00],
  other: [10_00, 300_00],
};

/**
 * Writes an order's content and fee lines, consistent with its status: in progress orders
 * mostly have some, completed and visited orders always have a line with a result. Lines come
 * from a random stream of their own and go into the orders' batch transaction.
 */
class LineWriter {
  private readonly rng: Random;
  private readonly content;
  private readonly fee;

  constructor(db: DB, seed: number, private readonly ref: Reference) {
    this.rng = new Random(seed);
    this.content = db.prepare(
      `INSERT INTO service_contents (order_id, work_date, engineer_id, work_type, findings, work_done, fault_cause, result,
         result_reason, hours_x100, created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.fee = db.prepare(
      `INSERT INTO service_fees (order_id, fee_type, amount_fen, payer, settled, settled_on, remarks, created_at, created_by, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  visit(): { satisfaction: (typeof SATISFACTIONS)[number]; reason: string | null; remarks: string | null } {
    const rng = this.rng;
    const satisfaction = SATISFACTIONS[rng.weighted(SATISFACTION_WEIGHTS)];
    const remarks = rng.pick(VISIT_REMARKS);
    return { satisfaction, reason: satisfaction === 'unsatisfied' ? rng.pick(UNSATISFIED_REASONS) : null, remarks: remarks || null };
  }

  write(
    orderId: number,
    status: DispatchStatus,
    engineerId: number | null,
    engineers: readonly number[],
    taskIndex: number,
    warranty: boolean,
    created: number,
    updated: number,
    nowMs: number,
  ): void {
    const rng = this.rng;
    const done = status === 'completed' || status === 'visited';
    if (engineerId === null || !(done || (status === 'in_progress' && rng.chance(0.75)))) return;
    const task = tasks.taskTypes[taskIndex];
    const end = Math.max(created, Math.min(updated, nowMs));
    const count = rng.between(1, 3);
    for (let i = 0; i < count; i++) {
      const last = i === count - 1;
      const at = Math.min(end, created + Math.floor(((i + 1) / count) * (end - created)));
      const result = last && done ? (rng.chance(0.9) ? 'solved' : 'partly_solved') : rng.chance(0.5) ? 'partly_solved' : 'unsolved';
      const iso = new Date(at).toISOString();
      this.content.run(
        orderId,
        localDate(new Date(at)),
        rng.chance(0.85) ? engineerId : engineers[rng.int(engineers.length)],
        task.code === 'training' ? '培训指导' : task.code === 'inspection' ? '检测' : rng.pick(WORK_TYPES),
        rng.pick(FINDINGS),
        rng.pick(WORK_DONE),
        rng.pick(FAULT_CAUSES),
        result,
        result === 'solved' ? '' : rng.pick(UNSOLVED_REASONS),
        rng.between(2, 32) * 25,
        iso,
        CLERK_ID,
        iso,
        CLERK_ID,
      );
    }
    if (!rng.chance(0.85)) return;
    const iso = new Date(end).toISOString();
    for (let i = rng.between(1, 4); i > 0; i--) {
      const type = i === 1 ? 'labour' : FEE_TYPES[rng.int(FEE_TYPES.length)];
      const [lo, hi] = FEE_RANGES[type];
      // Whole yuan mostly, some with jiao and fen.
      const amount = rng.chance(0.7) ? Math.round(rng.between(lo, hi) / 100) * 100 : rng.between(lo, hi);
      const payer = warranty ? (rng.chance(0.95) ? 'company' : 'customer') : rng.chance(0.05) ? 'company' : 'customer';
      const settled = status === 'visited' ? rng.chance(0.9) : done ? rng.chance(0.4) : false;
      const settledMs = Math.min(nowMs, end + rng.between(0, 20) * DAY_MS);
      this.fee.run(orderId, type, amount, payer, settled ? 1 : 0, settled ? localDate(new Date(settledMs)) : null,
        payer === 'company' && !warranty ? '公司承担（商务协商）' : '', iso, CLERK_ID, iso, CLERK_ID);
    }
  }
}

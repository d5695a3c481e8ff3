import type { DB } from '../open.js';
import type { Random } from './generate.js';
import { searchIndexSql } from '../search/index-sql.js';
import type { SearchIndexDef } from '../../shared/modules/types.js';
import { listIndexes } from '../search/indexes.js';

// Demo data for the warehouse (issue 8): a parts catalogue for industrial equipment and machine
// tools, opening stock and replenishment receipts (RK), the planned parts of a share of the
// orders (售服材料), issues (LY), unused returns and faulty hand-ins with device swaps (TL),
// reversals (HC), count adjustments (PD) and owed parts (欠件).
//
// What happens to each order's plan is decided when the orders are read; then every step runs
// in time order with the stock, the serials and the counters held in memory, written the way the
// posting services write them (db/services/warehouse): ledger rows per movement (one per serial
// for serial-tracked parts), a serial history row per move, the search copies taken from the
// order and the part, balances and document series at the end. Receipts are posted when an issue
// would run a part out, so a balance never goes below zero at any point of the ledger. Posted
// records are only inserted; owed records and serials are updated as they move. For speed the
// search index of the new rows is written in one pass at the end (see suspendSearchIndex).

const CLERK_ID = 1;
const KEEPER_ID = 2; // the warehouse user 王建军
const MANAGER_ID = 3;
const KEEPER_NAME = '王建军';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The business day's offset from UTC (meta utc_offset_minutes, Asia/Shanghai). */
const BUSINESS_OFFSET_MS = 480 * MINUTE_MS;
/** Statements per write transaction before a commit (and a breath for the caller). */
const BATCH_ROWS = 40_000;

/** Share of orders with planned parts, by status. */
const MATERIALS_SHARE = 0.3;
const MATERIALS_SHARE_CANCELLED = 0.1;
/** Planned lines per order: 1, 2 or 3. */
const LINE_COUNT_WEIGHTS = [50, 33, 17];

interface Kind {
  name: string;
  unit: '个' | '件' | '套' | '米';
  /** Unit price range in yuan. */
  price: [number, number];
  /** Serial prefix letters of a serial-tracked part. */
  serial?: string;
  /** How often the kind is planned (all its specs together). */
  weight: number;
  /** Planned quantity range. */
  qty: [number, number];
  /** Part-number family (the equipment it belongs to). */
  family: string;
  specs: string[];
  /** Fixed part numbers for the first specs. */
  fixed?: string[];
  /** Faults of an old part handed in; share of used parts that come back faulty. */
  faults?: string[];
  faultyShare?: number;
}

const KINDS: Kind[] = [
  // Serial-tracked: motors, drives, boards, encoders.
  { name: '伺服电机', unit: '件', price: [3800, 12800], serial: 'SM', weight: 3, qty: [1, 1], family: '8VM', specs: ['1.3kW 2000rpm', '2.0kW 2000rpm', '3.0kW 1500rpm'], faults: ['编码器反馈异常', '绕组绝缘击穿', '轴承损坏异响', '过热报警'], faultyShare: 0.85 },
  { name: '主轴电机', unit: '件', price: [9800, 26000], serial: 'SP', weight: 0.8, qty: [1, 1], family: '8CK', specs: ['7.5kW 1500rpm'], faults: ['绕组烧毁', '振动超标'], faultyShare: 0.9 },
  { name: '伺服驱动器', unit: '件', price: [2600, 9800], serial: 'SD', weight: 2.5, qty: [1, 1], family: '8JR', specs: ['SD-20A 220V', 'SD-50A 380V', 'SD-75A 380V'], faults: ['过流报警', '功率模块损坏', '通讯中断'], faultyShare: 0.8 },
  { name: '控制板', unit: '件', price: [1200, 6800], serial: 'CB', weight: 3, qty: [1, 1], family: '4PC', specs: ['主控板 V3.2', 'I/O扩展板 32点', '电源板 24V'], faults: ['上电无显示', '通讯中断', '电容鼓包', '芯片烧毁'], faultyShare: 0.85 },
  { name: '编码器', unit: '个', price: [900, 4200], serial: 'EC', weight: 3, qty: [1, 2], family: '8VM', specs: ['增量式 2500线', '绝对值式 17位', '绝对值式 23位'], faults: ['信号丢失', '计数跳变', '进油损坏'], faultyShare: 0.8 },
  { name: '变频器', unit: '件', price: [2200, 15800], serial: 'VF', weight: 1.2, qty: [1, 1], family: '1BP', specs: ['7.5kW 380V'], faults: ['过压报警', 'IGBT损坏', '风扇停转过热'], faultyShare: 0.85 },
  { name: '触摸屏', unit: '件', price: [1800, 5200], serial: 'HM', weight: 1, qty: [1, 1], family: '4PC', specs: ['10.1寸 24V'], faults: ['触摸失灵', '黑屏'], faultyShare: 0.8 },
  { name: 'PLC模块', unit: '件', price: [2500, 8800], serial: 'PL', weight: 1, qty: [1, 1], family: '4PC', specs: ['CPU 1214C DC/DC/DC'], faults: ['运行灯不亮', '程序丢失'], faultyShare: 0.8 },
  // Pumps.
  { name: '机械密封', unit: '套', price: [380, 1200], weight: 4, qty: [1, 2], family: '2BY', specs: ['BY型 Φ45', 'BY型 Φ55', 'WQ型 Φ35'], fixed: ['2BY.5084.1044.1'], faults: ['密封面磨损泄漏', '动环碎裂'], faultyShare: 0.3 },
  { name: '叶轮', unit: '件', price: [1200, 4800], weight: 1, qty: [1, 1], family: '2BY', specs: ['IS80-65-160', 'IS100-80-125'], faults: ['汽蚀损坏', '叶片磨损'], faultyShare: 0.5 },
  { name: '泵轴', unit: '件', price: [600, 2200], weight: 0.6, qty: [1, 1], family: '2BY', specs: ['Φ42×560'], faults: ['轴颈磨损', '弯曲变形'], faultyShare: 0.5 },
  // Bearings, drive train, machine-tool parts.
  { name: '主轴轴承', unit: '个', price: [800, 4500], weight: 3, qty: [1, 2], family: '8VM', specs: ['7014C P4', '7016AC P4', 'NN3020K P4'], faults: ['运转异响', '滚道剥落', '游隙超差'], faultyShare: 0.5 },
  { name: '深沟球轴承', unit: '个', price: [25, 180], weight: 5, qty: [1, 4], family: '2BY', specs: ['6205-2RS', '6308-2Z', '6310 C3', '6312 C3'] },
  { name: '滚珠丝杠', unit: '件', price: [2200, 8800], weight: 1, qty: [1, 1], family: '8CK', specs: ['FFZD4010-3 L1200', 'FFZD5010-4 L1500'], faults: ['反向间隙大', '滚珠磨损'], faultyShare: 0.5 },
  { name: '直线导轨滑块', unit: '个', price: [450, 1600], weight: 1.5, qty: [1, 2], family: '8VM', specs: ['HGH25CA', 'HGH35CA'] },
  { name: '同步带', unit: '件', price: [60, 420], weight: 2, qty: [1, 2], family: '8CK', specs: ['HTD 8M-1200-30', 'HTD 5M-600-25'] },
  { name: '三角带', unit: '件', price: [25, 90], weight: 2, qty: [2, 4], family: '3KY', specs: ['B-1600', 'SPB-2240'] },
  { name: '联轴器', unit: '个', price: [180, 900], weight: 1.5, qty: [1, 1], family: '8VM', specs: ['梅花弹性 Φ40', '膜片式 Φ56'] },
  { name: '拉钉', unit: '个', price: [35, 120], weight: 1.5, qty: [2, 8], family: '8VM', specs: ['BT40 45°'] },
  { name: '碟簧组', unit: '套', price: [260, 780], weight: 0.8, qty: [1, 1], family: '8VM', specs: ['BT40主轴用'] },
  { name: '刀套', unit: '个', price: [80, 260], weight: 1, qty: [1, 4], family: '8VM', specs: ['BT40 斗笠式'] },
  { name: '润滑泵', unit: '件', price: [600, 2200], weight: 1, qty: [1, 1], family: '8CK', specs: ['AMR-II 3L 220V'], faults: ['不出油', '电机不转'], faultyShare: 0.4 },
  { name: '手轮', unit: '件', price: [450, 1200], weight: 0.8, qty: [1, 1], family: '8CK', specs: ['手摇脉冲发生器 100P/R'] },
  // Hydraulics and seals.
  { name: '液压泵', unit: '件', price: [2500, 9800], weight: 1.5, qty: [1, 1], family: '1YZ', specs: ['PV2R1-19', 'VP-20-FA3', 'A10VSO28'], faults: ['压力不足', '泵体磨损', '运转异响'], faultyShare: 0.6 },
  { name: '电磁阀', unit: '个', price: [280, 1500], weight: 2.5, qty: [1, 2], family: '1YZ', specs: ['4WE6E 24VDC', 'DSG-02-3C4', '4WE10J 220VAC'], faults: ['线圈烧毁', '阀芯卡滞'], faultyShare: 0.3 },
  { name: '溢流阀', unit: '个', price: [350, 1200], weight: 1, qty: [1, 1], family: '1YZ', specs: ['DBDS10K', 'RV-02'] },
  { name: '液压油管', unit: '米', price: [40, 150], weight: 1.5, qty: [2, 8], family: '1YZ', specs: ['DN10 两层钢丝', 'DN16 两层钢丝'] },
  { name: '密封圈', unit: '个', price: [2, 35], weight: 8, qty: [2, 12], family: '1YZ', specs: ['O型 Φ25×2.65', 'O型 Φ50×3.55', 'O型 Φ80×5.3', 'Y型 Φ63×48×10'] },
  { name: '油封', unit: '个', price: [8, 60], weight: 4, qty: [1, 4], family: '2BY', specs: ['TC 45×62×8', 'TC 60×80×10'] },
  { name: '密封件修理包', unit: '套', price: [150, 800], weight: 2, qty: [1, 1], family: '1YZ', specs: ['液压缸 Φ63', '液压缸 Φ100'] },
  { name: '滤芯', unit: '个', price: [60, 450], weight: 7, qty: [1, 4], family: '1YZ', specs: ['液压油滤芯 10μm', '回油滤芯 20μm'] },
  { name: '压力传感器', unit: '个', price: [600, 1800], weight: 1.5, qty: [1, 1], family: '1YZ', specs: ['0-25MPa 4-20mA', '0-1.6MPa 4-20mA'], faults: ['输出漂移', '无信号'], faultyShare: 0.3 },
  // Compressors.
  { name: '空气滤芯', unit: '个', price: [80, 380], weight: 3, qty: [1, 2], family: '3KY', specs: ['C1140', 'C2050'] },
  { name: '油气分离芯', unit: '个', price: [380, 1500], weight: 1.5, qty: [1, 1], family: '3KY', specs: ['LB962/2', '71121111-48510'] },
  { name: '进气阀', unit: '件', price: [900, 3200], weight: 0.6, qty: [1, 1], family: '3KY', specs: ['AIV-40'], faults: ['阀片卡死', '膜片破损'], faultyShare: 0.5 },
  // Electrical.
  { name: '继电器', unit: '个', price: [18, 160], weight: 5, qty: [1, 4], family: '4GK', specs: ['中间继电器 24VDC', '时间继电器 220VAC', '固态继电器 40A'], faults: ['触点粘连', '线圈烧毁'], faultyShare: 0.1 },
  { name: '接触器', unit: '个', price: [120, 680], weight: 3, qty: [1, 2], family: '4GK', specs: ['LC1D18 220V', 'LC1D32 220V', 'LC1D65 380V'], faults: ['触点烧蚀', '线圈烧毁'], faultyShare: 0.2 },
  { name: '断路器', unit: '个', price: [60, 900], weight: 2, qty: [1, 1], family: '4GK', specs: ['C16 3P', 'C32 3P', 'NSX100F 3P'] },
  { name: '熔断器', unit: '个', price: [3, 25], weight: 4, qty: [2, 10], family: '4GK', specs: ['RT18-32 10A', 'RT18-32 16A'] },
  { name: '接近开关', unit: '个', price: [60, 280], weight: 4, qty: [1, 3], family: '8CK', specs: ['M12 NPN常开', 'M18 PNP常开'] },
  { name: '限位开关', unit: '个', price: [45, 220], weight: 2, qty: [1, 2], family: '9QD', specs: ['LX19-001', 'LX3-11K'] },
  { name: '光电传感器', unit: '个', price: [120, 600], weight: 1.5, qty: [1, 2], family: '9DT', specs: ['漫反射 M18', '对射式 10m'] },
  { name: '温度传感器', unit: '个', price: [80, 400], weight: 1.5, qty: [1, 2], family: '5LS', specs: ['PT100 Φ6×100', 'K型热电偶'] },
  { name: '冷却风扇', unit: '个', price: [60, 380], weight: 3, qty: [1, 2], family: '1BP', specs: ['120×120 220VAC', '80×80 24VDC'] },
  { name: '按钮开关', unit: '个', price: [25, 120], weight: 2, qty: [1, 4], family: '4PC', specs: ['绿色平头 22mm', '急停 40mm'] },
  { name: '指示灯', unit: '个', price: [12, 45], weight: 2, qty: [1, 4], family: '4PC', specs: ['AD16-22D 红', 'AD16-22D 绿'] },
  { name: '编码器电缆', unit: '米', price: [28, 95], weight: 2, qty: [3, 15], family: '8VM', specs: ['8芯屏蔽 0.2mm²'] },
  { name: '动力电缆', unit: '米', price: [35, 120], weight: 2, qty: [5, 20], family: '8VM', specs: ['4×1.5mm² 拖链', '4×2.5mm² 拖链'] },
  // Cranes, conveyors, power.
  { name: '钢丝绳', unit: '米', price: [30, 90], weight: 1, qty: [10, 40], family: '9QD', specs: ['6×37-Φ16'] },
  { name: '制动器', unit: '件', price: [1200, 4200], weight: 0.5, qty: [1, 1], family: '9QD', specs: ['YWZ-200/25'], faults: ['制动力矩不足', '推动器漏油'], faultyShare: 0.5 },
  { name: '托辊', unit: '个', price: [60, 180], weight: 1.5, qty: [2, 10], family: '9DT', specs: ['Φ108×380', 'Φ133×465'] },
  { name: '蓄电池', unit: '个', price: [380, 980], weight: 1, qty: [4, 16], family: '7UP', specs: ['12V 100Ah', '12V 65Ah'] },
  { name: '喷油器', unit: '个', price: [260, 780], weight: 0.6, qty: [1, 6], family: '7FD', specs: ['6CTA 喷油器'] },
  { name: '加热圈', unit: '个', price: [60, 260], weight: 1.5, qty: [1, 4], family: '8ZS', specs: ['Φ60×50 220V 400W', 'Φ80×60 220V 600W'] },
];

const OWED_REASONS = ['总库无库存，已向供应商订货', '进口件订货周期长', '供应商延期交货', '型号需与厂家确认', '客户要求分批发货'];
const PURCHASERS = ['采购部 周丽华', '采购部 孙伟'];
const CLOSE_REASONS = ['客户取消该配件需求', '已用替代件解决', '客户自行采购', '设备已报废，不再需要'];
const SUPPLIERS = ['华东机电设备有限公司', '恒立液压配件经销部', '上海精工轴承有限公司', '德瑞自动化科技有限公司', '中联电气成套有限公司'];

interface Part {
  id: number;
  no: string;
  name: string;
  unit: string;
  priceFen: number;
  kind: Kind;
  tracked: boolean;
  /** Serial prefix (letters + two digits) of a serial-tracked part. */
  serialPrefix: string;
  weight: number;
  /** Receipt batch size and the level below which a receipt also tops the part up. */
  batch: number;
  reorder: number;
  /** Next receipt serial. */
  nextSerial: number;
  /** Serials in stock in the main store (oldest first) and in the faulty store. */
  inStock: Serial[];
  inFaulty: Serial[];
  /** Every serial number the part has (the demo makes up old serials too). */
  serialNos: Set<string>;
  balance: number[]; // by warehouse index: 0 main, 1 faulty
  touched: boolean[];
}

interface Serial {
  id: number;
  no: string;
  state: 'in_stock' | 'issued' | 'installed' | 'faulty' | 'removed';
  warehouse: number | null; // warehouse id
  order: number | null; // order id
}

interface OrderInfo {
  id: number;
  no: string;
  customer: string;
  engineerId: number | null;
  engineer: string | null;
  warranty: number;
}

interface MatLine {
  part: Part;
  quantity: number;
  materialId: number;
  issued: number;
  returned: number;
  /** Serials issued for the order and still with it (not returned, not fitted). */
  serials: Serial[];
  // The plan of what happens to the line (decided when the order is read).
  issueQty: number; // issued by the main issue (planned plus extra, or less when owed)
  extra: number; // taken above the plan, returned unused later
  /** What the documents will have issued and taken back in the end (net of reversals). */
  finalIssued: number;
  finalReturned: number;
}

interface Owed {
  id: number;
  line: MatLine;
  quantity: number;
  supplied: number;
  status: 'owed' | 'partial' | 'supplied' | 'closed';
  rowVersion: number;
  /** What is supplied at the supply issue, and whether it is closed after. */
  supply: number;
  close: boolean;
}

interface OrderState {
  info: OrderInfo;
  lines: MatLine[];
  owed: Owed[];
}

/** One step of the simulation; `t` in ms. */
interface Event {
  t: number;
  run: () => void;
}

export interface WarehouseSummary {
  parts: number;
  documents: number;
  materials: number;
  owed: number;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** The business day (yyyy-mm-dd) of an instant. */
const businessDay = (ms: number) => new Date(ms + BUSINESS_OFFSET_MS).toISOString().slice(0, 10);
const second = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * Writes the parts catalogue and, with orders, the warehouse's documents over the orders'
 * span. Call after the orders are written, with a random stream of its own.
 */
export async function generateWarehouse(
  db: DB,
  rng: Random,
  nowMs: number,
  onProgress?: (done: number, total: number) => void,
): Promise<WarehouseSummary> {
  const warehouseId = (code: string) => db.prepare('SELECT id FROM warehouses WHERE code = ?').pluck().get(code) as number;
  const MAIN = warehouseId('MAIN');
  const FAULTY = warehouseId('FAULTY');
  const W = [MAIN, FAULTY];

  const first = db.prepare('SELECT min(created_at) FROM dispatch_orders').pluck().get() as string | null;
  // The catalogue and the opening stock: a week before the first order (or before now).
  const startMs = second((first ? Date.parse(first) : nowMs) - 7 * DAY_MS);
  const parts = insertCatalogue(db, rng, startMs);
  if (!first) return { parts: parts.length, documents: 0, materials: 0, owed: 0 };

  const engineerNames = new Map(
    (db.prepare('SELECT id, name FROM engineers').raw().all() as [number, string][]).map(([id, name]) => [id, name]),
  );
  const maxId = (table: string) => (db.prepare(`SELECT ifnull(max(id), 0) FROM ${table}`).pluck().get() as number) ?? 0;
  let docId = maxId('stock_documents');
  let materialId = maxId('order_materials');
  let owedId = maxId('owed_parts');
  let serialId = maxId('serials');

  // ---- statements, as the posting services write ----
  const insDoc = db.prepare(
    `INSERT INTO stock_documents (id, doc_no, doc_type, order_id, warehouse_id, engineer_id, reverses_id, reason, remarks, posted_at, posted_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insStockLine = db.prepare('INSERT INTO stock_lines (document_id, line_no, part_id, warehouse_id, quantity, serials) VALUES (?, ?, ?, ?, ?, ?)');
  const insIssueLine = db.prepare(
    `INSERT INTO issue_lines (document_id, line_no, part_id, warehouse_id, quantity, serials, material_id, owed_id, unit_price_fen,
       posted_at, doc_no, order_no, customer, engineer, part_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insReturnLine = db.prepare(
    `INSERT INTO return_lines (document_id, line_no, kind, part_id, warehouse_id, quantity, serials, new_serial, fault,
       posted_at, doc_no, order_no, customer, engineer, part_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insLedger = db.prepare(
    `INSERT INTO stock_ledger (at, document_id, doc_type, doc_no, order_id, order_no, part_id, part_no, warehouse_id, quantity, serial_no, user_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insSerial = db.prepare('INSERT INTO serials (id, part_id, serial_no, state, warehouse_id, order_id) VALUES (?, ?, ?, ?, ?, ?)');
  const updSerial = db.prepare('UPDATE serials SET state = ?, warehouse_id = ?, order_id = ? WHERE id = ?');
  const insHistory = db.prepare(
    `INSERT INTO serial_history (serial_id, at, document_id, from_state, from_warehouse_id, from_order_id, to_state, to_warehouse_id, to_order_id, user_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const materialLines: MatLine[] = [];
  const insOwed = db.prepare(
    `INSERT INTO owed_parts (id, order_id, part_id, quantity, supplied, status, reason, promised_date, responsible, created_at, created_by,
       updated_at, updated_by, order_no, customer, part_no, part_name) VALUES (?, ?, ?, ?, 0, 'owed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const updOwedSupplied = db.prepare('UPDATE owed_parts SET supplied = ?, status = ?, row_version = ?, updated_at = ?, updated_by = ? WHERE id = ?');
  const updOwedClosed = db.prepare(
    "UPDATE owed_parts SET status = 'closed', close_reason = ?, row_version = ?, updated_at = ?, updated_by = ? WHERE id = ?",
  );

  // ---- documents ----
  const series = new Map<string, number>(); // prefix + yyyymmdd -> last serial
  let documents = 0;
  let written = 0; // statements since the last commit
  let lastAt = startMs;

  interface Doc {
    id: number;
    no: string;
    type: string;
    at: string;
    order: OrderInfo | null;
  }
  /** A movement written to the ledger (for a later reversal). */
  interface Move {
    part: Part;
    w: number;
    quantity: number;
    serial: Serial | null;
  }
  interface SerialMove {
    part: Part;
    serial: Serial;
    from: [Serial['state'], number | null, number | null] | null;
  }
  interface Posted {
    doc: Doc;
    warehouseId: number | null;
    engineerId: number | null;
    moves: Move[];
    serialMoves: SerialMove[];
    lines: { line: MatLine; quantity: number; serials: Serial[] }[];
  }

  const newDoc = (type: string, prefix: string, ms: number, order: OrderInfo | null, warehouse: number | null, engineer: number | null, reverses: number | null, reason: string, remarks: string): Doc => {
    lastAt = Math.max(lastAt, ms);
    const day = businessDay(ms).replaceAll('-', '');
    const key = prefix + day;
    const serial = (series.get(key) ?? 0) + 1;
    series.set(key, serial);
    const doc: Doc = { id: ++docId, no: `${key}${pad(serial, 4)}`, type, at: new Date(ms).toISOString(), order };
    insDoc.run(doc.id, doc.no, type, order?.id ?? null, warehouse, engineer, reverses, reason, remarks, doc.at, KEEPER_ID);
    documents++;
    written++;
    return doc;
  };

  /** One ledger row, and the balance. */
  const ledger = (doc: Doc, part: Part, w: number, quantity: number, serial: Serial | null, moves: Move[]) => {
    const wi = w === MAIN ? 0 : 1;
    part.balance[wi] += quantity;
    part.touched[wi] = true;
    if (part.balance[wi] < 0) throw new Error(`demo: ${part.no} below zero in warehouse ${w}`);
    insLedger.run(doc.at, doc.id, doc.type, doc.no, doc.order?.id ?? null, doc.order?.no ?? null, part.id, part.no, w, quantity, serial?.no ?? null, KEEPER_ID);
    moves.push({ part, w, quantity, serial });
    written++;
  };

  /** A serial's move to a new place, with its history row (a new serial when `serial.id` is 0). */
  const moveSerial = (doc: Doc, part: Part, serial: Serial, state: Serial['state'], w: number | null, order: number | null, moves: SerialMove[]) => {
    const from: SerialMove['from'] = serial.id === 0 ? null : [serial.state, serial.warehouse, serial.order];
    serial.state = state;
    serial.warehouse = w;
    serial.order = order;
    if (serial.id === 0) {
      serial.id = ++serialId;
      insSerial.run(serial.id, part.id, serial.no, state, w, order);
    } else {
      updSerial.run(state, w, order, serial.id);
    }
    insHistory.run(serial.id, doc.at, doc.id, from?.[0] ?? null, from?.[1] ?? null, from?.[2] ?? null, state, w, order, KEEPER_ID);
    moves.push({ part, serial, from });
    written += 2;
  };

  const newSerialNo = (part: Part, ms: number): string => {
    const yymm = businessDay(ms).slice(2, 7).replace('-', '');
    const no = `${part.serialPrefix}${yymm}${pad(part.nextSerial++, 5)}`;
    part.serialNos.add(no);
    return no;
  };
  const firstYear = Number(businessDay(startMs).slice(0, 4));
  /** The serial of a part fitted at the factory, before any receipt of the demo. */
  const oldSerialNo = (part: Part): string => {
    for (;;) {
      const yy = pad((firstYear - rng.between(1, 6)) % 100, 2);
      const no = `${part.serialPrefix}${yy}${rng.digits(7)}`;
      if (!part.serialNos.has(no)) {
        part.serialNos.add(no);
        return no;
      }
    }
  };

  // ---- receipts ----
  const receipt = (ms: number, lines: { part: Part; quantity: number }[], remarks: string): Posted => {
    const doc = newDoc('receipt', 'RK', ms, null, MAIN, null, null, '', remarks);
    const moves: Move[] = [];
    const serialMoves: SerialMove[] = [];
    lines.forEach((l, i) => {
      const serials: Serial[] = [];
      if (l.part.tracked) {
        for (let k = 0; k < l.quantity; k++) serials.push({ id: 0, no: newSerialNo(l.part, ms), state: 'in_stock', warehouse: MAIN, order: null });
        for (const s of serials) ledger(doc, l.part, MAIN, 1, s, moves);
      } else {
        ledger(doc, l.part, MAIN, l.quantity, null, moves);
      }
      insStockLine.run(doc.id, i + 1, l.part.id, MAIN, l.quantity, serials.map((s) => s.no).join(', '));
      written++;
      for (const s of serials) {
        moveSerial(doc, l.part, s, 'in_stock', MAIN, null, serialMoves);
        l.part.inStock.push(s);
      }
    });
    return { doc, warehouseId: MAIN, engineerId: null, moves, serialMoves, lines: [] };
  };
  const purchaseRemarks = (ms: number) => `采购入库 CG${businessDay(ms).replaceAll('-', '')}${pad(rng.between(1, 99), 2)} ${rng.pick(SUPPLIERS)}`;

  /** Before `quantity` of a part leaves the main store: a receipt if it would run out, topping up other low parts too. */
  const ensureStock = (part: Part, quantity: number, ms: number) => {
    if (part.balance[0] >= quantity) return;
    const at = second(Math.max(lastAt, ms - rng.between(20, 180) * MINUTE_MS));
    const lines = [{ part, quantity: Math.max(part.batch, quantity - part.balance[0]) }];
    for (const p of parts) {
      if (p !== part && p.balance[0] < p.reorder && lines.length < 12) lines.push({ part: p, quantity: p.batch });
    }
    receipt(at, lines, purchaseRemarks(at));
  };

  /** 红冲: every ledger row negated, every serial back where it was, in reverse order. */
  const reverse = (original: Posted, ms: number, reason: string) => {
    for (const m of original.moves) if (m.quantity > 0 && m.w === MAIN && !m.part.tracked) ensureStock(m.part, m.quantity, ms);
    const doc = newDoc('reversal', 'HC', ms, original.doc.order, original.warehouseId, original.engineerId, original.doc.id, reason, '');
    const moves: Move[] = [];
    for (const m of original.moves) ledger(doc, m.part, m.w, -m.quantity, m.serial, moves);
    const serialMoves: SerialMove[] = [];
    for (let i = original.serialMoves.length - 1; i >= 0; i--) {
      const { part, serial, from } = original.serialMoves[i];
      const [state, w, order] = from ?? ['removed', null, null];
      moveSerial(doc, part, serial, state, w, order, serialMoves);
      if (state === 'in_stock') part.inStock.unshift(serial);
      if (state === 'removed') part.inStock.splice(part.inStock.indexOf(serial), 1);
    }
    for (const l of original.lines) {
      for (const s of l.serials) l.line.serials.splice(l.line.serials.indexOf(s), 1);
      l.line.issued -= l.quantity;
    }
  };

  // ---- issues and returns ----
  interface IssueLine {
    line: MatLine;
    quantity: number;
    owed?: Owed;
  }
  const issue = (o: OrderInfo, ms: number, lines: IssueLine[], remarks = ''): Posted => {
    for (const l of lines) ensureStock(l.line.part, l.quantity, ms);
    const doc = newDoc('issue', 'LY', ms, o, MAIN, o.engineerId, null, '', remarks);
    const moves: Move[] = [];
    const serialMoves: SerialMove[] = [];
    const posted: Posted['lines'] = [];
    lines.forEach((l, i) => {
      const part = l.line.part;
      const serials: Serial[] = part.tracked ? part.inStock.splice(0, l.quantity) : [];
      posted.push({ line: l.line, quantity: l.quantity, serials });
      if (part.tracked) for (const s of serials) ledger(doc, part, MAIN, -1, s, moves);
      else ledger(doc, part, MAIN, -l.quantity, null, moves);
      for (const s of serials) moveSerial(doc, part, s, 'issued', null, o.id, serialMoves);
      l.line.serials.push(...serials);
      l.line.issued += l.quantity;
      insIssueLine.run(doc.id, i + 1, part.id, MAIN, l.quantity, serials.map((s) => s.no).join(', '), l.line.materialId, l.owed?.id ?? null,
        part.priceFen, doc.at, doc.no, o.no, o.customer, o.engineer, part.no);
      written++;
      if (l.owed) {
        const w = l.owed;
        w.supplied += l.quantity;
        w.status = w.supplied >= w.quantity ? 'supplied' : 'partial';
        w.rowVersion++;
        updOwedSupplied.run(w.supplied, w.status, w.rowVersion, doc.at, KEEPER_ID, w.id);
        written++;
      }
    });
    return { doc, warehouseId: MAIN, engineerId: o.engineerId, moves, serialMoves, lines: posted };
  };

  interface ReturnLine {
    line: MatLine;
    kind: 'unused' | 'faulty';
    quantity: number;
    serials: Serial[]; // unused: the serials returned; faulty: the replacement (fitted) serial
    fault: string;
  }
  const returnDoc = (o: OrderInfo, ms: number, lines: ReturnLine[]) => {
    const doc = newDoc('return', 'TL', ms, o, null, null, null, '', '');
    const moves: Move[] = [];
    const serialMoves: SerialMove[] = [];
    lines.forEach((l, i) => {
      const part = l.line.part;
      if (l.kind === 'unused') {
        if (part.tracked) for (const s of l.serials) ledger(doc, part, MAIN, 1, s, moves);
        else ledger(doc, part, MAIN, l.quantity, null, moves);
        for (const s of l.serials) {
          moveSerial(doc, part, s, 'in_stock', MAIN, null, serialMoves);
          part.inStock.push(s);
          l.line.serials.splice(l.line.serials.indexOf(s), 1);
        }
        l.line.returned += l.quantity;
        insReturnLine.run(doc.id, i + 1, 'unused', part.id, MAIN, l.quantity, l.serials.map((s) => s.no).join(', '), '', '', doc.at, doc.no, o.no, o.customer, o.engineer, part.no);
        written++;
        return;
      }
      // The old part out of the customer's device into the faulty store; the replacement fitted.
      let old: Serial | null = null;
      if (part.tracked) {
        old = { id: 0, no: oldSerialNo(part), state: 'faulty', warehouse: FAULTY, order: null };
        ledger(doc, part, FAULTY, 1, old, moves);
      } else {
        ledger(doc, part, FAULTY, l.quantity, null, moves);
      }
      const fitted = l.serials[0];
      if (fitted) {
        moveSerial(doc, part, fitted, 'installed', null, o.id, serialMoves);
        l.line.serials.splice(l.line.serials.indexOf(fitted), 1);
      }
      if (old) {
        moveSerial(doc, part, old, 'faulty', FAULTY, null, serialMoves);
        part.inFaulty.push(old);
      }
      insReturnLine.run(doc.id, i + 1, 'faulty', part.id, FAULTY, l.quantity, old?.no ?? '', fitted?.no ?? '', l.fault, doc.at, doc.no, o.no, o.customer, o.engineer, part.no);
      written++;
    });
  };

  /** 盘点调整 in one warehouse: signed lines; serials written off (removed) on negative tracked lines. */
  const adjustment = (ms: number, w: number, reason: string, lines: { part: Part; quantity: number; serials: Serial[] }[]) => {
    const doc = newDoc('adjustment', 'PD', ms, null, w, null, null, reason, '');
    const moves: Move[] = [];
    const serialMoves: SerialMove[] = [];
    lines.forEach((l, i) => {
      if (l.part.tracked) {
        for (const s of l.serials) ledger(doc, l.part, w, -1, s, moves);
        for (const s of l.serials) moveSerial(doc, l.part, s, 'removed', null, null, serialMoves);
        const gone = new Set(l.serials);
        if (w === MAIN) l.part.inStock = l.part.inStock.filter((s) => !gone.has(s));
        else l.part.inFaulty = l.part.inFaulty.filter((s) => !gone.has(s));
      } else {
        ledger(doc, l.part, w, l.quantity, null, moves);
      }
      insStockLine.run(doc.id, i + 1, l.part.id, w, l.quantity, l.serials.map((s) => s.no).join(', '));
      written++;
    });
  };

  // ---- the orders: plans, and what will happen to them ----
  const events: Event[] = [];
  const at = (t: number, run: () => void) => events.push({ t, run });
  const totalWeight = parts.reduce((s, p) => s + p.weight, 0);
  const cumulative: number[] = [];
  parts.reduce((s, p, i) => (cumulative[i] = s + p.weight), 0);
  const pickPart = () => {
    const x = rng.next() * totalWeight;
    let lo = 0;
    let hi = parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return parts[lo];
  };

  let materials = 0;
  let owedCount = 0;
  const plans: { t: number; state: OrderState }[] = [];
  const demand = new Float64Array(parts.length);
  const partIndex = new Map(parts.map((p, i) => [p, i]));
  const rows = db
    .prepare('SELECT id, order_no, status, customer, warranty, engineer_id, created_at, updated_at FROM dispatch_orders ORDER BY id')
    .raw()
    .iterate() as IterableIterator<[number, string, string, string, number, number | null, string, string]>;
  for (const [id, no, status, customer, warranty, engineerId, createdAt, updatedAt] of rows) {
    if (!rng.chance(status === 'cancelled' ? MATERIALS_SHARE_CANCELLED : MATERIALS_SHARE)) continue;
    const t0 = Date.parse(createdAt);
    const t1 = Math.max(t0, Date.parse(updatedAt));
    const span = t1 - t0;
    const info: OrderInfo = { id, no, customer, engineerId, engineer: engineerId === null ? null : (engineerNames.get(engineerId) ?? null), warranty };
    const state: OrderState = { info, lines: [], owed: [] };
    const count = rng.weighted(LINE_COUNT_WEIGHTS) + 1;
    const chosen = new Set<Part>();
    for (let tries = 0; chosen.size < count && tries < 10; tries++) chosen.add(pickPart());
    for (const part of chosen) {
      const quantity = rng.between(part.kind.qty[0], part.kind.qty[1]);
      state.lines.push({ part, quantity, materialId: 0, issued: 0, returned: 0, serials: [], issueQty: 0, extra: 0, finalIssued: 0, finalReturned: 0 });
    }

    // Planned soon after the order is taken (before the engineer collects anything).
    const planAt = second(Math.min(nowMs, t0 + rng.between(5, 90) * MINUTE_MS, status === 'pending' || status === 'cancelled' ? nowMs : t0 + span * 0.1));
    plans.push({ t: planAt, state });
    materials += state.lines.length;
    if (status === 'pending' || status === 'cancelled' || engineerId === null) continue;

    const done = status === 'completed' || status === 'visited';
    let issueAt: number;
    if (status === 'dispatched') {
      if (!rng.chance(0.5)) continue;
      issueAt = t1 + rng.between(10, 240) * MINUTE_MS;
    } else if (status === 'in_progress') {
      if (!rng.chance(0.85)) continue;
      issueAt = t0 + span * (0.3 + 0.4 * rng.next());
    } else {
      issueAt = t0 + span * (0.15 + 0.3 * rng.next());
    }
    issueAt = second(Math.max(planAt, Math.min(nowMs, issueAt)));

    // Some completed orders could not get every planned part: owed at completion.
    const owing = done && rng.chance(0.1);
    for (const l of state.lines) {
      l.issueQty = l.quantity;
      if (!owing && (done || status === 'in_progress') && rng.chance(l.part.tracked ? 0.03 : 0.08)) {
        l.extra = rng.between(1, 2);
        l.issueQty += l.extra;
      }
    }
    if (owing) {
      // At least one line short; tracked and expensive parts more often.
      const short = state.lines.filter((l) => rng.chance(l.part.tracked || l.part.priceFen > 100_000 ? 0.8 : 0.5));
      if (!short.length) short.push(state.lines[rng.int(state.lines.length)]);
      for (const l of short) l.issueQty = rng.int(l.quantity); // 0 … quantity − 1
    }
    for (const l of state.lines) demand[partIndex.get(l.part)!] += l.issueQty;
    const toIssue = state.lines.filter((l) => l.issueQty > 0);

    // A mistaken issue, reversed (红冲) before the right one is posted.
    if (toIssue.length && rng.chance(0.02)) {
      const gap = Math.min(issueAt - planAt, rng.between(10, 90) * MINUTE_MS);
      const duplicate = rng.chance(0.5);
      const wrongAt = second(issueAt - gap);
      const reverseAt = second(issueAt - gap / 2);
      let wrong: Posted | undefined;
      at(wrongAt, () => {
        const lines = toIssue.map((l, i) => ({
          line: l,
          quantity: !duplicate && i === 0 && !l.part.tracked ? l.issueQty + rng.between(1, 5) : l.issueQty,
        }));
        wrong = issue(info, wrongAt, lines);
      });
      at(reverseAt, () => reverse(wrong!, reverseAt, duplicate ? '重复领用，红冲' : '领用数量录入错误，红冲后重新领用'));
    }
    if (toIssue.length) at(issueAt, () => issue(info, issueAt, toIssue.map((l) => ({ line: l, quantity: l.issueQty }))));
    for (const l of toIssue) l.finalIssued = l.issueQty;
    if (!done) continue;
    // Extras come back unused before completion.
    for (const l of toIssue) l.finalReturned = l.extra;

    // Completed: unused parts back, faulty old parts handed in (with the swap), owed recorded.
    const completedAt = second(status === 'completed' ? t1 : t0 + span * 0.8);
    const returnAt = second(Math.max(issueAt, Math.min(completedAt, t0 + span * (0.5 + 0.25 * rng.next()))));
    const faultyPlan: { line: MatLine; quantity: number; fault: string }[] = [];
    for (const l of toIssue) {
      const used = l.issueQty - l.extra;
      const kind = l.part.kind;
      if (!kind.faults || used === 0) continue;
      if (l.part.tracked) {
        for (let k = 0; k < used; k++) if (rng.chance(kind.faultyShare!)) faultyPlan.push({ line: l, quantity: 1, fault: rng.pick(kind.faults) });
      } else if (rng.chance(kind.faultyShare!)) {
        faultyPlan.push({ line: l, quantity: used, fault: rng.pick(kind.faults) });
      }
    }
    const unusedPlan = toIssue.filter((l) => l.extra > 0);
    if (faultyPlan.length || unusedPlan.length) {
      at(returnAt, () => {
        const lines: ReturnLine[] = unusedPlan.map((l) => ({
          line: l,
          kind: 'unused',
          quantity: l.extra,
          serials: l.part.tracked ? l.serials.slice(-l.extra) : [],
          fault: '',
        }));
        // Each fitted replacement is one of the serials issued for the order and not returned.
        const fitted = new Map<MatLine, number>();
        for (const f of faultyPlan) {
          const k = fitted.get(f.line) ?? 0;
          fitted.set(f.line, k + 1);
          lines.push({ line: f.line, kind: 'faulty', quantity: f.quantity, serials: f.line.part.tracked ? [f.line.serials[k]] : [], fault: f.fault });
        }
        returnDoc(info, returnAt, lines);
      });
    }

    const shortLines = state.lines.filter((l) => l.issueQty < l.quantity);
    if (!shortLines.length) continue;
    // Recorded when the order is completed (one reason, promise and person for the lot).
    const reason = rng.pick(OWED_REASONS);
    const promisedMs = completedAt + rng.between(3, 30) * DAY_MS;
    const promised = businessDay(promisedMs);
    const responsible = rng.chance(0.5) ? KEEPER_NAME : rng.chance(0.5) && info.engineer ? info.engineer : rng.pick(PURCHASERS);
    for (const l of shortLines) {
      const quantity = l.quantity - l.issueQty;
      const fate = rng.next();
      // Most are supplied, some partly, some closed, some still open.
      const supply = fate < 0.62 ? quantity : fate < 0.74 ? (quantity > 1 ? rng.between(1, quantity - 1) : quantity) : fate < 0.82 && quantity > 1 && rng.chance(0.3) ? 1 : 0;
      const close = fate >= 0.74 && fate < 0.82;
      state.owed.push({ id: 0, line: l, quantity, supplied: 0, status: 'owed', rowVersion: 1, supply, close });
    }
    owedCount += state.owed.length;
    at(completedAt, () => {
      const iso = new Date(completedAt).toISOString();
      for (const w of state.owed) {
        w.id = ++owedId;
        insOwed.run(w.id, id, w.line.part.id, w.quantity, reason, promised, responsible, iso, CLERK_ID, iso, CLERK_ID, no, customer, w.line.part.no, w.line.part.name);
        written++;
      }
    });
    // Supplied some days after completion, around the promised date (some late); closed later still.
    const supplyAt = second(completedAt + rng.between(2, 40) * DAY_MS + rng.between(0, 8 * 60) * MINUTE_MS);
    const supplied = state.owed.filter((w) => w.supply > 0);
    if (supplied.length && supplyAt <= nowMs) {
      for (const w of supplied) {
        demand[partIndex.get(w.line.part)!] += w.supply;
        w.line.finalIssued += w.supply;
      }
      at(supplyAt, () => issue(info, supplyAt, supplied.map((w) => ({ line: w.line, quantity: w.supply, owed: w })), '欠件补发'));
    }
    const closeAt = second(Math.max(supplyAt, completedAt) + rng.between(5, 60) * DAY_MS);
    const closing = state.owed.filter((w) => w.close);
    if (closing.length && closeAt <= nowMs) {
      const closeReason = rng.pick(CLOSE_REASONS);
      const by = rng.chance(0.7) ? CLERK_ID : MANAGER_ID;
      at(closeAt, () => {
        const iso = new Date(closeAt).toISOString();
        for (const w of closing) {
          // A record fully supplied in the meantime stays supplied.
          if (w.status === 'supplied') continue;
          w.status = 'closed';
          w.rowVersion++;
          updOwedClosed.run(closeReason, w.rowVersion, iso, by, w.id);
          written++;
        }
      });
    }
  }

  // ---- stock policy: batches of about six weeks of demand ----
  const days = Math.max(1, (nowMs - startMs) / DAY_MS);
  parts.forEach((p, i) => {
    const daily = demand[i] / days;
    p.batch = Math.max(p.tracked ? 3 : 5, Math.ceil(daily * rng.between(30, 60)));
    p.reorder = Math.ceil(daily * 10);
  });

  // ---- the store's own work: counts each quarter, faulty parts scrapped twice a year, a few duplicate receipts ----
  const officeHour = (dayMs: number, hour: number) => {
    // The business day's start (local midnight at UTC+8) plus office hours.
    const midnight = Math.floor((dayMs + BUSINESS_OFFSET_MS) / DAY_MS) * DAY_MS - BUSINESS_OFFSET_MS;
    return second(midnight + hour * HOUR_MS + rng.between(0, 50) * MINUTE_MS);
  };
  for (let d = startMs + 80 * DAY_MS; d < nowMs; d += rng.between(85, 95) * DAY_MS) {
    const t = officeHour(d, 15);
    if (t > nowMs) break;
    const day = businessDay(t);
    const quarter = Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1;
    at(t, () => {
      const lines: { part: Part; quantity: number; serials: Serial[] }[] = [];
      const chosen = new Set<Part>();
      for (let k = rng.between(3, 7); k > 0; k--) {
        const p = parts[rng.int(parts.length)];
        if (p.tracked || chosen.has(p)) continue;
        chosen.add(p);
        let q = rng.between(1, 3) * (rng.chance(0.6) ? -1 : 1);
        if (p.balance[0] + q < 0) q = -q;
        lines.push({ part: p, quantity: q, serials: [] });
      }
      let writeOff = false;
      if (rng.chance(0.4)) {
        const candidates = parts.filter((x) => x.tracked && x.inStock.length > 1);
        if (candidates.length) {
          const p = rng.pick(candidates);
          lines.push({ part: p, quantity: -1, serials: [p.inStock[rng.int(p.inStock.length)]] });
          writeOff = true;
        }
      }
      if (lines.length) adjustment(t, MAIN, `${day.slice(0, 4)}年第${quarter}季度盘点：账实差异调整${writeOff ? '，包装破损件报废' : ''}`, lines);
    });
  }
  for (let d = startMs + 40 * DAY_MS; d < nowMs; d += rng.between(28, 35) * DAY_MS) {
    const t = officeHour(d, 10);
    if (t > nowMs) break;
    at(t, () => {
      // Most of what came in (the oldest first) goes back to the makers or is scrapped each month.
      const lines: { part: Part; quantity: number; serials: Serial[] }[] = [];
      for (const p of parts) {
        if (p.balance[1] === 0 || !rng.chance(0.9)) continue;
        if (p.tracked) {
          const serials = p.inFaulty.slice(0, Math.ceil(p.inFaulty.length * 0.85));
          if (serials.length) lines.push({ part: p, quantity: -serials.length, serials });
        } else {
          lines.push({ part: p, quantity: -Math.ceil(p.balance[1] * 0.85), serials: [] });
        }
      }
      if (lines.length) adjustment(t, FAULTY, '坏件返厂鉴定后报废处理', lines);
    });
  }
  for (let d = startMs + rng.between(20, 60) * DAY_MS; d < nowMs; d += rng.between(40, 90) * DAY_MS) {
    const t = officeHour(d, 9);
    const back = second(t + rng.between(15, 90) * MINUTE_MS);
    if (back > nowMs) break;
    let dup: Posted | undefined;
    at(t, () => {
      const lines: { part: Part; quantity: number }[] = [];
      const chosen = new Set<Part>();
      for (let k = rng.between(2, 5); k > 0; k--) {
        const p = parts[rng.int(parts.length)];
        if (p.tracked || chosen.has(p)) continue;
        chosen.add(p);
        lines.push({ part: p, quantity: p.batch });
      }
      if (lines.length) dup = receipt(t, lines, purchaseRemarks(t));
    });
    at(back, () => {
      if (dup) reverse(dup, back, '入库单重复录入，红冲');
    });
  }

  // ---- run it in time order (stable: same-moment events keep their order) ----
  events.sort((a, b) => a.t - b.t);
  plans.sort((a, b) => a.t - b.t);
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const total = materials + events.length;
  onProgress?.(0, total);
  const restoreSearchIndex = suspendSearchIndex(db);
  // The planned lines first, in the order they were made, with the counters the documents will
  // have brought them to (known from the plan of what happens to each order, checked against the
  // simulation at the end). Many rows per statement: row by row, each would run the line's fee
  // trigger in a statement of its own, four times slower.
  const writePlans = async () => {
    db.exec(`CREATE TEMP TABLE demo_materials AS SELECT ${MATERIAL_COLUMNS} FROM order_materials WHERE 0`);
    try {
      const stage = db.prepare(`INSERT INTO temp.demo_materials (${MATERIAL_COLUMNS}) VALUES (${MATERIAL_COLUMNS.split(',').map(() => '?').join(', ')})`);
      const flush = db.prepare(`INSERT INTO main.order_materials (${MATERIAL_COLUMNS}) SELECT ${MATERIAL_COLUMNS} FROM temp.demo_materials ORDER BY id`);
      const clear = db.prepare('DELETE FROM temp.demo_materials');
      let staged = 0;
      let done = 0;
      const write = () => {
        db.transaction(() => {
          flush.run();
          clear.run();
        }).immediate();
        done += staged;
        staged = 0;
        onProgress?.(done, total);
      };
      for (const { t, state } of plans) {
        const o = state.info;
        const at = new Date(t).toISOString();
        for (const l of state.lines) {
          l.materialId = ++materialId;
          materialLines.push(l);
          stage.run(l.materialId, o.id, l.part.id, l.quantity, o.warranty ? 'company' : 'customer', l.part.priceFen, '', l.finalIssued, l.finalReturned,
            at, CLERK_ID, at, CLERK_ID, o.no, o.customer, o.engineer, l.part.no, l.part.name);
          if (++staged === BATCH_ROWS) {
            write();
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      }
      if (staged) write();
    } finally {
      db.exec('DROP TABLE temp.demo_materials');
    }
  };
  try {
    await writePlans();
    begin.run();
    // Opening stock: one receipt per part family, two batches of each part.
    const families = new Map<string, Part[]>();
    for (const p of parts) families.set(p.kind.family, [...(families.get(p.kind.family) ?? []), p]);
    for (const group of families.values()) {
      receipt(startMs, group.map((p) => ({ part: p, quantity: p.batch * 2 })), '期初库存');
    }
    for (let i = 0; i < events.length; i++) {
      events[i].run();
      if (written >= BATCH_ROWS) {
        commit.run();
        written = 0;
        onProgress?.(materials + i + 1, total);
        await new Promise((resolve) => setImmediate(resolve));
        begin.run();
      }
    }
    const insBalance = db.prepare('INSERT INTO stock_balances (part_id, warehouse_id, quantity) VALUES (?, ?, ?)');
    for (const p of parts) for (let wi = 0; wi < 2; wi++) if (p.touched[wi]) insBalance.run(p.id, W[wi], p.balance[wi]);
    const insSeries = db.prepare(
      `INSERT INTO document_series (prefix, day, last_serial) VALUES (?, ?, ?)
       ON CONFLICT (prefix, day) DO UPDATE SET last_serial = max(last_serial, excluded.last_serial)`,
    );
    for (const [key, last] of series) insSeries.run(key.slice(0, 2), key.slice(2), last);
    for (const l of materialLines) {
      if (l.issued !== l.finalIssued || l.returned !== l.finalReturned) {
        throw new Error(`demo: material line ${l.materialId} written with ${l.finalIssued}/${l.finalReturned}, documents say ${l.issued}/${l.returned}`);
      }
    }
    commit.run();
  } catch (err) {
    if (db.inTransaction) db.prepare('ROLLBACK').run();
    throw err;
  } finally {
    restoreSearchIndex();
  }
  onProgress?.(total, total);
  return { parts: parts.length, documents, materials, owed: owedCount };
}

const MATERIAL_COLUMNS =
  'id, order_id, part_id, quantity, payer, unit_price_fen, remarks, issued_qty, returned_qty, created_at, created_by, ' +
  'updated_at, updated_by, order_no, customer, engineer, part_no, part_name';

const SEARCH_INDEXED: [string, SearchIndexDef][] = [
  ['order_materials', listIndexes.materials.index],
  ['issue_lines', listIndexes.issue.index],
  ['return_lines', listIndexes.return.index],
  ['owed_parts', listIndexes.owed.index],
  ['stock_ledger', listIndexes.ledger.index],
];

/**
 * The search index of the warehouse lists is kept by triggers row by row, which costs about four
 * fifths of the load; for the load its triggers are set aside, and the returned function writes
 * the index of the new rows in one pass per table (the migration's own fill statements) and puts
 * the triggers back, each step in one transaction.
 */
function suspendSearchIndex(db: DB): () => void {
  const saved = SEARCH_INDEXED.map(([table, index]) => {
    const triggers = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name GLOB ? ORDER BY rowid")
      .all(table, `${table}_search_*`) as { name: string; sql: string }[];
    const fill = searchIndexSql(table, index)
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s.startsWith('INSERT INTO') && s.endsWith(`FROM ${table} o`));
    if (fill.length !== 3 || triggers.length === 0) throw new Error(`demo: cannot find the search index of ${table}`);
    const after = db.prepare(`SELECT ifnull(max(id), 0) FROM ${table}`).pluck().get() as number;
    return { triggers, fill, after };
  });
  db.transaction(() => {
    for (const s of saved) for (const t of s.triggers) db.exec(`DROP TRIGGER "${t.name}"`);
  }).immediate();
  return () =>
    db
      .transaction(() => {
        for (const s of saved) {
          for (const f of s.fill) db.prepare(`${f} WHERE o.id > ?`).run(s.after);
          for (const t of s.triggers) db.exec(t.sql);
        }
      })
      .immediate();
}

/** The catalogue: one part per kind and spec, numbered in the family's style. */
function insertCatalogue(db: DB, rng: Random, startMs: number): Part[] {
  const insert = db.prepare(
    `INSERT INTO parts (part_no, name, spec, unit, unit_price_fen, serial_tracked, active, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`,
  );
  const created = new Date(startMs - DAY_MS).toISOString();
  const numbers = new Set<string>(KINDS.flatMap((k) => k.fixed ?? []));
  const parts: Part[] = [];
  const write = db.transaction(() => {
    for (const kind of KINDS) {
      kind.specs.forEach((spec, i) => {
        let no = kind.fixed?.[i];
        if (!no) {
          do no = `${kind.family}.${rng.digits(4)}.${rng.digits(4)}.${rng.int(10)}`;
          while (numbers.has(no));
          numbers.add(no);
        }
        const [lo, hi] = kind.price;
        const yuan = rng.between(lo, hi);
        // Whole tens of yuan for dear parts, whole yuan (some half) for cheap ones.
        const priceFen = yuan >= 100 ? Math.round(yuan / 10) * 1000 : yuan * 100 + (rng.chance(0.3) ? 50 : 0);
        const tracked = kind.serial !== undefined;
        const id = Number(insert.run(no, kind.name, spec, kind.unit, priceFen, tracked ? 1 : 0, created, created).lastInsertRowid);
        parts.push({
          id,
          no,
          name: kind.name,
          unit: kind.unit,
          priceFen,
          kind,
          tracked,
          serialPrefix: tracked ? `${kind.serial}${pad(i + 1, 2)}` : '',
          weight: (kind.weight / kind.specs.length) * (0.6 + 0.8 * rng.next()),
          batch: 0,
          reorder: 0,
          nextSerial: 1,
          inStock: [],
          inFaulty: [],
          serialNos: new Set(),
          balance: [0, 0],
          touched: [false, false],
        });
      });
    }
  });
  write.immediate();
  return parts;
}

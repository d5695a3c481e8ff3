import { PHONE_PATTERN, type DispatchInput, type DispatchOrder, type RegionNode } from '../../../shared/dispatch/schemas.js';
import type { ErrorIssue } from '../../../shared/errors.js';

// The create / modify window's form: what the clerk types (all strings where an input holds
// one), checked here before sending, and turned into the contract's DispatchInput.

export type Urgency = 'normal' | 'urgent';

export interface EditorForm {
  contractId: number | null;
  contractNo: string;
  customer: string;
  project: string;
  address: string;
  regionId: number | null;
  taskTypeId: string;
  warranty: boolean;
  contact: string;
  phone: string;
  deviceName: string;
  deviceModel: string;
  devicePartNo: string;
  deviceSerialNo: string;
  problem: string;
  urgency: Urgency;
  /** `YYYY-MM-DDTHH:mm` in local time (a datetime-local input), '' for none. */
  expectedAt: string;
  engineerId: string;
}

/** The fields a message can stand next to; also the `editor-<field>` test ids. */
export const editorFields = [
  'contract',
  'customer',
  'project',
  'address',
  'region',
  'taskType',
  'warranty',
  'contact',
  'phone',
  'deviceName',
  'deviceModel',
  'devicePartNo',
  'deviceSerialNo',
  'problem',
  'urgency',
  'expectedAt',
  'engineer',
] as const;
export type EditorField = (typeof editorFields)[number];

/** A message next to a field: an i18n key (our own checks) or the server's text. */
export type FieldErrors = Partial<Record<EditorField, { key: string; params?: Record<string, unknown> } | { text: string }>>;

export const emptyForm: EditorForm = {
  contractId: null,
  contractNo: '',
  customer: '',
  project: '',
  address: '',
  regionId: null,
  taskTypeId: '',
  warranty: false,
  contact: '',
  phone: '',
  deviceName: '',
  deviceModel: '',
  devicePartNo: '',
  deviceSerialNo: '',
  problem: '',
  urgency: 'normal',
  expectedAt: '',
  engineerId: '',
};

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a datetime-local value in this computer's time zone. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (local time) as a UTC instant, or null when empty or unreadable. */
export function fromLocalInput(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function formFromOrder(o: DispatchOrder): EditorForm {
  return {
    contractId: o.contractId,
    contractNo: o.contractNo ?? '',
    customer: o.customer,
    project: o.project ?? '',
    address: o.address ?? '',
    regionId: o.regionId,
    taskTypeId: String(o.taskTypeId),
    warranty: o.warranty,
    contact: o.contact ?? '',
    phone: o.phone ?? '',
    deviceName: o.deviceName ?? '',
    deviceModel: o.deviceModel ?? '',
    devicePartNo: o.devicePartNo ?? '',
    deviceSerialNo: o.deviceSerialNo ?? '',
    problem: o.problem ?? '',
    urgency: o.urgency,
    expectedAt: toLocalInput(o.expectedAt),
    engineerId: o.engineerId === null ? '' : String(o.engineerId),
  };
}

/**
 * Our own checks, the same rules as the service's schema. `keepExpected` is the stored value
 * of a modified order: an appointment already in the past may stay as it was.
 */
export function validateForm(f: EditorForm, now: Date, keepExpected = ''): FieldErrors {
  const e: FieldErrors = {};
  const required = (field: EditorField, value: string) => {
    if (!value.trim()) e[field] = { key: 'editor.errors.required' };
  };
  required('customer', f.customer);
  if (f.regionId === null) e.region = { key: 'editor.errors.regionRequired' };
  if (!f.taskTypeId) e.taskType = { key: 'editor.errors.taskTypeRequired' };
  required('contact', f.contact);
  if (!f.phone.trim()) e.phone = { key: 'editor.errors.required' };
  else if (!PHONE_PATTERN.test(f.phone.trim())) e.phone = { key: 'editor.errors.phone' };
  required('problem', f.problem);
  if (f.expectedAt.trim()) {
    const iso = fromLocalInput(f.expectedAt);
    if (!iso) e.expectedAt = { key: 'editor.errors.expectedInvalid' };
    else if (new Date(iso).getTime() < now.getTime() && f.expectedAt !== keepExpected) e.expectedAt = { key: 'editor.errors.expectedPast' };
  }
  const limits: [EditorField, string, number][] = [
    ['customer', f.customer, 100],
    ['project', f.project, 200],
    ['address', f.address, 200],
    ['contact', f.contact, 50],
    ['phone', f.phone, 30],
    ['deviceName', f.deviceName, 100],
    ['deviceModel', f.deviceModel, 100],
    ['devicePartNo', f.devicePartNo, 50],
    ['deviceSerialNo', f.deviceSerialNo, 50],
    ['problem', f.problem, 2000],
  ];
  for (const [field, value, max] of limits) if (!e[field] && value.trim().length > max) e[field] = { key: 'editor.errors.tooLong', params: { max } };
  return e;
}

export function toInput(f: EditorForm): DispatchInput {
  return {
    contractId: f.contractId,
    customer: f.customer.trim(),
    project: f.project.trim(),
    address: f.address.trim(),
    regionId: f.regionId ?? 0,
    taskTypeId: Number(f.taskTypeId),
    warranty: f.warranty,
    contact: f.contact.trim(),
    phone: f.phone.trim(),
    deviceName: f.deviceName.trim(),
    deviceModel: f.deviceModel.trim(),
    devicePartNo: f.devicePartNo.trim(),
    deviceSerialNo: f.deviceSerialNo.trim(),
    problem: f.problem.trim(),
    urgency: f.urgency,
    expectedAt: f.expectedAt.trim() ? fromLocalInput(f.expectedAt) : null,
    engineerId: f.engineerId ? Number(f.engineerId) : null,
  };
}

const pathToField: Record<string, EditorField> = {
  contractId: 'contract',
  contractNo: 'contract',
  regionId: 'region',
  taskTypeId: 'taskType',
  engineerId: 'engineer',
};

/** The form field a server issue (`order.<field>`, or a bare field name) belongs to. */
export function fieldOfIssue(path: string): EditorField | null {
  const name = path.replace(/^order\./, '').split('.')[0];
  const field = pathToField[name] ?? name;
  return (editorFields as readonly string[]).includes(field) ? (field as EditorField) : null;
}

/** Server issues next to their fields; those that belong to no field are returned apart. */
export function issuesToErrors(issues: readonly ErrorIssue[] | undefined): { errors: FieldErrors; rest: ErrorIssue[] } {
  const errors: FieldErrors = {};
  const rest: ErrorIssue[] = [];
  for (const issue of issues ?? []) {
    const field = fieldOfIssue(issue.path);
    if (field && !errors[field]) errors[field] = { text: issue.message };
    else if (!field) rest.push(issue);
  }
  return { errors, rest };
}

/** "华东 / 上海 / 浦东" for a node of the tree. */
export function regionPath(nodes: readonly RegionNode[], id: number | null): string {
  if (id === null) return '';
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const names: string[] = [];
  const seen = new Set<number>();
  let node = byId.get(id);
  while (node && !seen.has(node.id)) {
    seen.add(node.id);
    names.unshift(node.name);
    node = node.parentId === null ? undefined : byId.get(node.parentId);
  }
  return names.join(' / ');
}

/**
 * Names of the regions an engineer of this order's region may belong to: the node, the nodes
 * above it and below it (engineers are kept by province, orders by city or district).
 */
export function regionFamilyNames(nodes: readonly RegionNode[], id: number | null): Set<string> {
  const names = new Set<string>();
  if (id === null) return names;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const seen = new Set<number>();
  for (let node = byId.get(id); node && !seen.has(node.id); node = node.parentId === null ? undefined : byId.get(node.parentId)) {
    seen.add(node.id);
    names.add(node.name);
  }
  const below = [id];
  while (below.length) {
    const parent = below.pop()!;
    for (const n of nodes) {
      if (n.parentId === parent && !seen.has(n.id)) {
        seen.add(n.id);
        names.add(n.name);
        below.push(n.id);
      }
    }
  }
  return names;
}

/**
 * Whether an engineer works in the order's region (see regionFamilyNames): those come first in
 * the picker. An engineer's region is a name ("江苏省"), or a path ("华东区 / 江苏省").
 */
export function engineerInRegion(engineerRegion: string | null, family: ReadonlySet<string>): boolean {
  if (!engineerRegion || family.size === 0) return false;
  const last = engineerRegion.split('/').map((s) => s.trim()).filter(Boolean).at(-1) ?? engineerRegion;
  return family.has(last) || family.has(engineerRegion.trim());
}

/** The order's region from a contract picked in the lookup: its id when the row has it, else its name when only one node has that name. */
export function contractRegionId(row: Record<string, unknown>, nodes: readonly RegionNode[]): number | null {
  const id = typeof row.region_id === 'number' ? row.region_id : Number.NaN;
  if (Number.isInteger(id) && nodes.some((n) => n.id === id)) return id;
  const name = typeof row.region === 'string' ? row.region.trim() : '';
  if (!name) return null;
  const named = nodes.filter((n) => n.name === name);
  return named.length === 1 ? named[0].id : null;
}

import { describe, expect, it } from 'vitest';
import { afterReplacement, findAll, nextMatch, replaceAll, replaceMatch, stillMatches } from '../../renderer/src/orders/find-replace.js';
import { checkMaterials, draftAmount, duplicateParts, materialDraft, materialTotals, newMaterialDraft, parseQuantity, withPart, type MaterialDraft } from '../../renderer/src/orders/materials.js';
import { checkOwedForm, emptyOwedForm } from '../../renderer/src/owed/owed-form.js';
import type { MaterialLine, PartOption } from '../../shared/warehouse/schemas.js';

// The materials tab's rules without React: find and replace over the lines' text, the plan's
// cells (part picked, whole quantities, yuan → fen, never below what is used), owed-part forms.

const lines = [
  { key: 'a', remarks: 'Filter filter FILTER', other: 'filter' },
  { key: 'b', remarks: 'no match here', other: '' },
  { key: 'c', remarks: 'oil filter', other: 'x' },
];
const fields = ['remarks'];

describe('find and replace over the lines', () => {
  it('finds every occurrence in reading order, ignoring case unless asked', () => {
    expect(findAll(lines, fields, 'filter', { matchCase: false }).map((m) => `${m.key}:${m.start}`)).toEqual(['a:0', 'a:7', 'a:14', 'c:4']);
    expect(findAll(lines, fields, 'filter', { matchCase: true }).map((m) => `${m.key}:${m.start}`)).toEqual(['a:7', 'c:4']);
    expect(findAll(lines, fields, '', { matchCase: false })).toEqual([]);
    // Only the cells asked for.
    expect(findAll(lines, ['remarks', 'other'], 'filter', { matchCase: true }).map((m) => `${m.key}.${m.field}:${m.start}`)).toEqual([
      'a.remarks:7',
      'a.other:0',
      'c.remarks:4',
    ]);
  });

  it('find next and previous wrap around', () => {
    const all = findAll(lines, fields, 'filter', { matchCase: false });
    expect(nextMatch(lines, fields, all, null)).toBe(all[0]);
    expect(nextMatch(lines, fields, all, all[0])).toBe(all[1]);
    expect(nextMatch(lines, fields, all, all[3])).toBe(all[0]);
    expect(nextMatch(lines, fields, all, all[0], true)).toBe(all[3]);
    expect(nextMatch(lines, fields, all, null, true)).toBe(all[3]);
    expect(nextMatch(lines, fields, [], null)).toBeNull();
    // A position inside a line with no match continues after it.
    expect(nextMatch(lines, fields, all, { key: 'b', field: 'remarks', start: 0 })).toBe(all[3]);
  });

  it('replaces one occurrence and goes on after the replacement', () => {
    const all = findAll(lines, fields, 'filter', { matchCase: false });
    const next = replaceMatch(lines, all[1], 'strainer');
    expect(next[0].remarks).toBe('Filter strainer FILTER');
    expect(next[1]).toBe(lines[1]);
    const rest = findAll(next, fields, 'filter', { matchCase: false });
    expect(nextMatch(next, fields, rest, afterReplacement(all[1], 'strainer'))).toEqual({ key: 'a', field: 'remarks', start: 16, end: 22 });
    // A replacement that contains the text is not found again at once.
    const grown = replaceMatch(lines, all[0], 'filter filter');
    const again = findAll(grown, fields, 'filter', { matchCase: false });
    expect(nextMatch(grown, fields, again, afterReplacement(all[0], 'filter filter'))?.start).toBe(14);
  });

  it('replaces all occurrences, counting them, keeping untouched lines', () => {
    const { lines: next, count } = replaceAll(lines, fields, 'FILTER', 'strainer', { matchCase: false });
    expect(count).toBe(4);
    expect(next.map((l) => l.remarks)).toEqual(['strainer strainer strainer', 'no match here', 'oil strainer']);
    expect(next[1]).toBe(lines[1]);
    expect(replaceAll(lines, fields, 'FILTER', '', { matchCase: true }).lines[0].remarks).toBe('Filter filter ');
    expect(replaceAll(lines, fields, 'absent', 'x', { matchCase: false }).count).toBe(0);
  });

  it('knows when a shown match no longer is one', () => {
    const [m] = findAll(lines, fields, 'oil', { matchCase: false });
    expect(stillMatches(lines, m, 'OIL', { matchCase: false })).toBe(true);
    expect(stillMatches(lines, m, 'OIL', { matchCase: true })).toBe(false);
    expect(stillMatches([{ key: 'c', remarks: 'new text' }], m, 'oil', { matchCase: false })).toBe(false);
  });
});

const part = (id: number, patch: Partial<PartOption> = {}): PartOption => ({
  id,
  partNo: `2BY.50${id}`,
  name: `Part ${id}`,
  spec: 'M8',
  unit: '个',
  unitPriceFen: 1250,
  serialTracked: false,
  active: true,
  ...patch,
});

const stored = (patch: Partial<MaterialLine> = {}): MaterialLine => ({
  id: 7,
  partId: 3,
  partNo: '2BY.503',
  partName: 'Part 3',
  spec: '',
  unit: '个',
  serialTracked: false,
  quantity: 4,
  payer: 'customer',
  unitPriceFen: 1250,
  amountFen: 5000,
  remarks: '',
  issued: 3,
  returned: 1,
  used: 2,
  owed: 0,
  ...patch,
});

const picked = (d: MaterialDraft, p: PartOption): MaterialDraft => ({ ...d, ...withPart(d, p) });

describe('the material plan cells', () => {
  it('a new line follows the order’s 三包 for the payer', () => {
    expect(newMaterialDraft(true).payer).toBe('company');
    expect(newMaterialDraft(false).payer).toBe('customer');
  });

  it('picking a part fills its texts and its price as the default', () => {
    const d = picked(newMaterialDraft(false), part(5, { unitPriceFen: 99_90 }));
    expect(d).toMatchObject({ partId: 5, partText: '2BY.505', partName: 'Part 5', unit: '个', unitPrice: '99.90' });
    // The same part again keeps a typed price; another part brings its own.
    expect(picked({ ...d, unitPrice: '80' }, part(5)).unitPrice).toBe('80');
    expect(picked({ ...d, unitPrice: '80' }, part(6)).unitPrice).toBe('12.50');
  });

  it('checks the lines and gives the contract input in integer fen', () => {
    const d = { ...picked(newMaterialDraft(false), part(5)), quantity: '３', unitPrice: '12.5', remarks: ' urgent ' };
    const { errors, lines } = checkMaterials([d, materialDraft(stored())]);
    expect(errors).toEqual({});
    expect(lines).toEqual([
      { partId: 5, quantity: 3, payer: 'customer', unitPriceFen: 1250, remarks: 'urgent' },
      { id: 7, partId: 3, quantity: 4, payer: 'customer', unitPriceFen: 1250, remarks: '' },
    ]);
    expect(draftAmount(d)).toBe(3750);
  });

  it('refuses a part not picked, a bad quantity, a plan below what is used, the same part twice', () => {
    const typed = { ...newMaterialDraft(false), partText: '2by*50' };
    const changedText = { ...picked(newMaterialDraft(false), part(5)), partText: '2BY.5' };
    const below = { ...materialDraft(stored()), quantity: '1' };
    const dup = { ...picked(newMaterialDraft(false), part(3)) };
    const { errors, lines } = checkMaterials([newMaterialDraft(false), typed, changedText, below, { ...materialDraft(stored({ id: 8, partId: 9 })), quantity: '1.5', unitPrice: 'abc' }, dup]);
    expect(lines).toBeNull();
    expect(errors).toMatchObject({
      '0.part': 'required',
      '1.part': 'materialsTab.errors.pickPart',
      '2.part': 'materialsTab.errors.pickPart',
      '3.quantity': 'materialsTab.errors.belowUsed',
      '4.quantity': 'materialsTab.errors.quantity',
      '4.unitPrice': 'money',
      '5.part': 'materialsTab.errors.duplicatePart',
    });
    expect(duplicateParts([materialDraft(stored()), dup]).has(dup.key)).toBe(true);
  });

  it('parses quantities as whole units and sums the plan by payer', () => {
    expect(parseQuantity('0')).toEqual({ ok: true, value: 0 });
    expect(parseQuantity('1,000')).toEqual({ ok: true, value: 1000 });
    expect(parseQuantity('')).toEqual({ ok: false, error: 'required' });
    expect(parseQuantity('-1')).toEqual({ ok: false, error: 'quantity' });
    expect(parseQuantity('2000000')).toEqual({ ok: false, error: 'quantityRange' });
    const a = { ...picked(newMaterialDraft(false), part(1)), quantity: '2', unitPrice: '0.29' };
    const b = { ...picked(newMaterialDraft(true), part(2)), quantity: '3', unitPrice: '10' };
    const bad = { ...newMaterialDraft(true), quantity: 'x' };
    expect(materialTotals([a, b, bad])).toEqual({ quantity: 5, customer: 58, company: 3000, all: 3058 });
  });
});

describe('owed-part forms', () => {
  it('needs a reason, a real promised date and who is responsible', () => {
    expect(checkOwedForm('complete', emptyOwedForm).errors).toEqual({ reason: 'required', responsible: 'required', promisedDate: 'required' });
    const ok = checkOwedForm('modify', { ...emptyOwedForm, reason: ' out of stock ', promisedDate: '2026/12/1', responsible: '王工' });
    expect(ok.input).toEqual({ reason: 'out of stock', promisedDate: '2026-12-01', responsible: '王工' });
    expect(checkOwedForm('modify', { ...emptyOwedForm, reason: 'x', promisedDate: '2026-02-30', responsible: 'y' }).errors).toEqual({ promisedDate: 'date' });
  });

  it('recording by hand also needs the order, a picked part and a quantity', () => {
    const base = { ...emptyOwedForm, reason: 'r', promisedDate: '2026-12-01', responsible: 'w' };
    expect(checkOwedForm('create', { ...base, orderNo: 'SN2026', quantity: '0', partText: 'abc' }).errors).toEqual({ orderNo: 'orderNo', part: 'pickPart', quantity: 'quantity' });
    const ok = checkOwedForm('create', { ...base, orderNo: 'sn202611230001', partId: 4, partNo: 'P-4', partText: 'P-4', quantity: '2' });
    expect(ok.input).toEqual({ reason: 'r', promisedDate: '2026-12-01', responsible: 'w', orderNo: 'SN202611230001', partId: 4, quantity: 2 });
  });
});

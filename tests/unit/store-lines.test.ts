import { describe, expect, it } from 'vitest';
import {
  adjustmentDifference,
  blankDraft,
  checkAdjustment,
  checkIssue,
  checkReceipt,
  checkReturn,
  duplicateSerials,
  issuesOnLines,
  lineDifference,
  linesNamedBy,
  mergeSerials,
  parseQuantity,
  parseSerials,
  quantitiesByPart,
  serialsOnOtherLines,
  type AdjustDraft,
  type IssueDraft,
  type PartRef,
  type ReturnDraft,
  type StockOf,
} from '../../renderer/src/store/store-lines.js';

const plain: PartRef = { id: 1, partNo: '2BY.5084.1044.1', name: '滤芯', spec: 'A', unit: '个', serialTracked: false };
const tracked: PartRef = { id: 2, partNo: 'MTR-01', name: '电机', spec: '', unit: '台', serialTracked: true };

const issueLine = (part: PartRef | null, quantity: string, serials = '', owedId: number | null = null): IssueDraft => ({
  ...blankDraft(),
  part,
  partText: part?.partNo ?? '',
  quantity,
  serials,
  owedId,
});

const stockOf =
  (table: Record<number, { quantity: number; serials?: string[] }>): StockOf =>
  (partId) =>
    table[partId] ? { quantity: table[partId].quantity, serials: table[partId].serials ?? [] } : null;

describe('serial lists', () => {
  it('splits typed and pasted serials on line breaks, commas, semicolons, 、 and spaces', () => {
    expect(parseSerials('A1\nA2\r\nA3')).toEqual(['A1', 'A2', 'A3']);
    expect(parseSerials(' A1, A2；A3、A4  A5,,\n')).toEqual(['A1', 'A2', 'A3', 'A4', 'A5']);
    expect(parseSerials('')).toEqual([]);
  });

  it('turns full-width characters typed with an IME into ASCII', () => {
    expect(parseSerials('ＳＮ１２３，ＳＮ１２４')).toEqual(['SN123', 'SN124']);
  });

  it('keeps duplicates so they can be named', () => {
    expect(parseSerials('A1 A2 A1')).toEqual(['A1', 'A2', 'A1']);
    expect(duplicateSerials(['A1', 'A2', 'A1', 'A1', 'A2'])).toEqual(['A1', 'A2']);
  });

  it('merges ticked serials into the list and takes unticked ones out', () => {
    expect(mergeSerials(['A1', 'A2'], ['A2', 'A3'])).toEqual(['A1', 'A2', 'A3']);
    expect(mergeSerials(['A1', 'A2', 'A3'], [], ['A2'])).toEqual(['A1', 'A3']);
  });

  it('does not offer a serial used on another line of the same part', () => {
    const a = issueLine(tracked, '1', 'S1');
    const b = issueLine(tracked, '1', 'S2');
    const c = issueLine(plain, '1');
    expect([...serialsOnOtherLines([a, b, c], a.key, tracked.id)]).toEqual(['S2']);
  });
});

describe('quantities', () => {
  it('parses whole numbers, full-width digits too', () => {
    expect(parseQuantity('3')).toEqual({ ok: true, value: 3 });
    expect(parseQuantity(' ３ ')).toEqual({ ok: true, value: 3 });
    expect(parseQuantity('')).toEqual({ ok: false, error: 'required' });
    expect(parseQuantity('1.5')).toEqual({ ok: false, error: 'quantity' });
    expect(parseQuantity('0')).toEqual({ ok: false, error: 'quantityRange' });
    expect(parseQuantity('0', 0)).toEqual({ ok: true, value: 0 });
    expect(parseQuantity('-1', 0)).toEqual({ ok: false, error: 'quantityRange' });
  });

  it('sums the quantities of a part over its lines', () => {
    const totals = quantitiesByPart([issueLine(plain, '2'), issueLine(plain, '3'), issueLine(tracked, 'x'), issueLine(null, '4')]);
    expect([...totals]).toEqual([[1, 5]]);
  });
});

describe('count adjustment difference', () => {
  it('is the counted quantity less the books: found +, missing −', () => {
    expect(adjustmentDifference(10, 12)).toBe(2);
    expect(adjustmentDifference(10, 7)).toBe(-3);
    expect(adjustmentDifference(4, 4)).toBe(0);
    expect(adjustmentDifference(0, 5)).toBe(5);
  });

  const adjust = (part: PartRef, counted: string, serials = ''): AdjustDraft => ({ ...blankDraft(), part, partText: part.partNo, counted, serials });

  it('is sent signed as the line quantity; lines equal to the books are left out', () => {
    const stock = stockOf({ 1: { quantity: 10 }, 2: { quantity: 2, serials: ['S1', 'S2'] } });
    const r = checkAdjustment([adjust(plain, '7'), adjust(tracked, '2')], stock);
    expect(r.errors).toEqual({});
    expect(r.lines).toEqual([{ partId: 1, quantity: -3, serials: [] }]);
    expect(r.unchanged).toBe(1);
    expect(lineDifference(adjust(plain, '12'), stock)).toBe(2);
  });

  it('asks for the missing or found serials of a serial-tracked part, one per unit', () => {
    const stock = stockOf({ 2: { quantity: 2, serials: ['S1', 'S2'] } });
    expect(checkAdjustment([adjust(tracked, '1')], stock).errors['0.serials']).toEqual({ code: 'serialCount', params: { expected: 1, given: 0 } });
    expect(checkAdjustment([adjust(tracked, '1', 'S9')], stock).errors['0.serials']).toEqual({ code: 'serialNotInStock', params: { serial: 'S9' } });
    expect(checkAdjustment([adjust(tracked, '1', 'S2')], stock).lines).toEqual([{ partId: 2, quantity: -1, serials: ['S2'] }]);
    expect(checkAdjustment([adjust(tracked, '3', 'S1')], stock).errors['0.serials']).toEqual({ code: 'serialInStock', params: { serial: 'S1' } });
    expect(checkAdjustment([adjust(tracked, '3', 'S3')], stock).lines).toEqual([{ partId: 2, quantity: 1, serials: ['S3'] }]);
  });

  it('counts each part once, needs the books, and refuses a count without any difference', () => {
    const stock = stockOf({ 1: { quantity: 5 } });
    expect(checkAdjustment([adjust(plain, '5'), adjust(plain, '6')], stock).errors['1.part']?.code).toBe('partTwice');
    expect(checkAdjustment([adjust(tracked, '1')], stock).errors['0.current']?.code).toBe('balanceUnknown');
    expect(checkAdjustment([adjust(plain, '5')], stock).errors['-1.lines']?.code).toBe('noDifference');
    expect(checkAdjustment([adjust(plain, '')], stock).errors['0.counted']?.code).toBe('required');
  });
});

describe('issue lines', () => {
  it('become the contract lines with the owed record they supply', () => {
    const r = checkIssue([issueLine(plain, '2', '', 7), issueLine(tracked, '2', 'S1, S2')], stockOf({ 1: { quantity: 5 }, 2: { quantity: 2, serials: ['S1', 'S2'] } }));
    expect(r.errors).toEqual({});
    expect(r.lines).toEqual([
      { partId: 1, quantity: 2, serials: [], owedId: 7 },
      { partId: 2, quantity: 2, serials: ['S1', 'S2'] },
    ]);
  });

  it('mark every line of a part asked for beyond what the store has', () => {
    const r = checkIssue([issueLine(plain, '3'), issueLine(plain, '3')], stockOf({ 1: { quantity: 5 } }));
    expect(r.lines).toBeNull();
    expect(r.errors['0.available']).toEqual({ code: 'overStock', params: { available: 5, requested: 6 } });
    expect(r.errors['1.available']).toEqual({ code: 'overStock', params: { available: 5, requested: 6 } });
  });

  it('need exactly their quantity of serials, in stock there, none twice', () => {
    const stock = stockOf({ 2: { quantity: 3, serials: ['S1', 'S2', 'S3'] } });
    expect(checkIssue([issueLine(tracked, '2', 'S1')], stock).errors['0.serials']).toEqual({ code: 'serialCount', params: { expected: 2, given: 1 } });
    expect(checkIssue([issueLine(tracked, '1', 'S9')], stock).errors['0.serials']).toEqual({ code: 'serialNotInStock', params: { serial: 'S9' } });
    expect(checkIssue([issueLine(tracked, '1', 'S1'), issueLine(tracked, '1', 'S1')], stock).errors['1.serials']).toEqual({ code: 'serialDuplicate', params: { serial: 'S1' } });
    expect(checkIssue([issueLine(plain, '1', 'X')], stockOf({ 1: { quantity: 1 } })).errors['0.serials']?.code).toBe('serialsNotTracked');
  });

  it('name a part typed but not found, and a document without lines', () => {
    const typed = { ...issueLine(null, '1'), partText: 'NOPE' };
    expect(checkIssue([typed], stockOf({})).errors['0.part']).toEqual({ code: 'partUnknown', params: { text: 'NOPE' } });
    expect(checkIssue([], stockOf({})).errors['-1.lines']?.code).toBe('noLines');
  });

  it('leave blank lines out, and say which window line each line sent came from', () => {
    const r = checkIssue([issueLine(null, ''), issueLine(plain, '1'), issueLine(null, ''), issueLine(tracked, '1', 'S1')], stockOf({}));
    expect(r.errors).toEqual({});
    expect(r.lines?.map((l) => l.partId)).toEqual([1, 2]);
    expect(r.from).toEqual([1, 3]);
    expect(checkIssue([issueLine(null, '')], stockOf({})).errors).toEqual({ '-1.lines': { code: 'noLines' } });
    expect(issuesOnLines([{ path: 'lines.1.serials', message: 'bad' }], {}, r.from).cells).toEqual({ '3.serials': 'bad' });
  });

  it('are not held back while the stock is not known (the server checks)', () => {
    expect(checkIssue([issueLine(plain, '50')], () => null).lines).toEqual([{ partId: 1, quantity: 50, serials: [] }]);
  });
});

describe('return lines', () => {
  const ret = (over: Partial<ReturnDraft>): ReturnDraft => ({ ...blankDraft(), kind: 'unused', warehouseId: '1', oldSerial: '', newSerial: '', fault: '', ...over });
  const ctx = { returnable: (id: number) => ({ 1: 3, 2: 2 })[id] ?? 0, issuedSerials: (id: number) => (id === 2 ? ['S1', 'S2'] : []) };

  it('send unused parts with their serials and faulty parts with the swap and the fault', () => {
    const r = checkReturn(
      [
        ret({ part: plain, partText: plain.partNo, quantity: '2' }),
        ret({ part: tracked, partText: tracked.partNo, quantity: '1', serials: 'S1' }),
        ret({ kind: 'faulty', warehouseId: '9', part: tracked, partText: tracked.partNo, quantity: '1', oldSerial: 'OLD-1', newSerial: 'S2', fault: '烧毁' }),
      ],
      ctx,
    );
    expect(r.errors).toEqual({});
    expect(r.lines).toEqual([
      { kind: 'unused', partId: 1, quantity: 2, warehouseId: 1, serials: [] },
      { kind: 'unused', partId: 2, quantity: 1, warehouseId: 1, serials: ['S1'] },
      { kind: 'faulty', partId: 2, quantity: 1, warehouseId: 9, oldSerial: 'OLD-1', newSerial: 'S2', fault: '烧毁' },
    ]);
  });

  it('take back no more than is out, and only serials issued for the order', () => {
    expect(checkReturn([ret({ part: plain, partText: plain.partNo, quantity: '4' })], ctx).errors['0.available']).toEqual({ code: 'overReturnable', params: { available: 3, requested: 4 } });
    expect(checkReturn([ret({ part: tracked, partText: tracked.partNo, quantity: '1', serials: 'S7' })], ctx).errors['0.serials']).toEqual({ code: 'serialNotIssued', params: { serial: 'S7' } });
  });

  it('hand in a serial-tracked faulty part one a line, with the serial taken out and the fault', () => {
    const r = checkReturn([ret({ kind: 'faulty', part: tracked, partText: tracked.partNo, quantity: '2', newSerial: 'S1' })], ctx);
    expect(r.errors['0.quantity']?.code).toBe('faultyOneEach');
    expect(r.errors['0.oldSerial']?.code).toBe('oldSerialRequired');
    expect(r.errors['0.fault']?.code).toBe('faultRequired');
    const same = checkReturn([ret({ kind: 'faulty', part: tracked, partText: tracked.partNo, quantity: '1', oldSerial: 'S1', newSerial: 'S1', fault: 'x' })], ctx);
    expect(same.errors['0.newSerial']?.code).toBe('newSameAsOld');
  });

  it('need a store on every line', () => {
    expect(checkReturn([ret({ part: plain, partText: plain.partNo, quantity: '1', warehouseId: '' })], ctx).errors['0.warehouse']?.code).toBe('required');
  });
});

describe('receipt lines', () => {
  it('need one new serial per unit of a serial-tracked part', () => {
    const stock = stockOf({ 2: { quantity: 1, serials: ['S1'] } });
    const line = (quantity: string, serials: string) => ({ ...blankDraft(), part: tracked, partText: tracked.partNo, quantity, serials });
    expect(checkReceipt([line('3', 'N1\nN2\nN3')], stock).lines).toEqual([{ partId: 2, quantity: 3, serials: ['N1', 'N2', 'N3'] }]);
    expect(checkReceipt([line('3', 'N1\nN2')], stock).errors['0.serials']?.code).toBe('serialCount');
    expect(checkReceipt([line('1', 'S1')], stock).errors['0.serials']).toEqual({ code: 'serialInStock', params: { serial: 'S1' } });
  });
});

describe('a refusal on its lines', () => {
  it('marks the lines of the part or the serial it names', () => {
    const a = issueLine(plain, '1');
    const b = issueLine(tracked, '1', 'S1');
    const c = issueLine(tracked, '1', 'S2');
    expect([...linesNamedBy([a, b, c], { code: 'INSUFFICIENT_STOCK', params: { partNo: 'MTR-01' } })]).toEqual([b.key, c.key]);
    expect([...linesNamedBy([a, b, c], { code: 'SERIAL_NOT_IN_WAREHOUSE', params: { serial: 'S2', partNo: 'MTR-01' } })]).toEqual([c.key]);
    expect([...linesNamedBy([a, b, c], { code: 'ORDER_CANCELLED', params: { orderNo: 'SN1' } })]).toEqual([]);
    expect([...linesNamedBy([a], undefined)]).toEqual([]);
  });

  it('puts server issues on their cells and header fields', () => {
    const r = issuesOnLines(
      [
        { path: 'lines.1.partId', message: 'no such part' },
        { path: 'lines.0.serials.2', message: 'too long' },
        { path: 'warehouseId', message: 'no such warehouse' },
        { path: 'other.deep', message: 'x' },
      ],
      { partId: 'part' },
    );
    expect(r.cells).toEqual({ '1.part': 'no such part', '0.serials': 'too long' });
    expect(r.header).toEqual({ warehouseId: 'no such warehouse' });
    expect(r.rest).toEqual(['x']);
  });
});

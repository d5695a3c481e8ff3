import { describe, expect, it } from 'vitest';
import type { FeeLine, FeeLineInput } from '../../shared/dispatch/schemas.js';
import {
  checkFees,
  differingFields,
  feeCompareFields,
  feeDraft,
  hasStoredChange,
  losesNothing,
  overwriteLoss,
  rebaseLines,
  storedChange,
} from '../../renderer/src/orders/lines.js';

// A change made meanwhile at another desk (the server replaces an order's lines as a set): what
// changed on the server since the clerk's version, and what saving the clerk's lines over it loses.

const fee = (id: number, patch: Partial<FeeLine> = {}): FeeLine => ({
  id,
  feeType: 'labour',
  amountFen: 10_000,
  payer: 'customer',
  settled: false,
  settledOn: null,
  remarks: '',
  updatedAt: '2026-01-01T00:00:00Z',
  updatedBy: 'clerk',
  ...patch,
});

/** The clerk's lines as the editor sends them (through the drafts, as typed). */
const mine = (lines: FeeLine[]): FeeLineInput[] => checkFees(lines.map(feeDraft)).lines ?? [];

describe('lines changed meanwhile at another desk', () => {
  const base = [fee(1), fee(2, { payer: 'company' }), fee(3, { feeType: 'travel' })];
  // Another desk: added line 4, changed the amount and remarks of line 2, deleted line 3.
  const stored = [fee(1, { updatedBy: 'other' }), fee(2, { payer: 'company', amountFen: 25_050, remarks: '补差' }), fee(4, { feeType: 'parts', amountFen: 3_570 })];

  it('names the lines added, changed (with the fields) and deleted on the server', () => {
    const change = storedChange(base, stored, feeCompareFields);
    expect(change.added.map((l) => l.id)).toEqual([4]);
    expect(change.changed.map((c) => [c.line.id, c.fields])).toEqual([[2, ['amountFen', 'remarks']]]);
    expect(change.removed.map((l) => l.id)).toEqual([3]);
    expect(hasStoredChange(change)).toBe(true);
    // Who and when of a line are not what the clerk edits: line 1 counts as unchanged.
    expect(hasStoredChange(storedChange(base, base.map((l) => ({ ...l, updatedBy: 'x' })), feeCompareFields))).toBe(false);
  });

  it('null, undefined and empty text are the same value', () => {
    expect(differingFields({ settledOn: null, remarks: '' }, { remarks: undefined }, ['settledOn', 'remarks'])).toEqual([]);
    expect(differingFields({ settled: false }, { settled: true }, ['settled'])).toEqual(['settled']);
  });

  it('overwriting deletes the lines only on the server and replaces the other desk’s edits', () => {
    const change = storedChange(base, stored, feeCompareFields);
    // The clerk changed the payer of line 1 and kept lines 2 and 3 as read.
    const lines = mine([fee(1, { payer: 'company' }), base[1], base[2]]);
    const loss = overwriteLoss(change, lines, feeCompareFields);
    expect(loss.deleted.map((l) => l.id)).toEqual([4]);
    expect(loss.replaced.map((r) => [r.line.id, r.fields])).toEqual([[2, ['amountFen', 'remarks']]]);
    expect(loss.revived).toBe(1);
    expect(losesNothing(loss)).toBe(false);
  });

  it('a line the other desk changed that the clerk removed is lost as a whole', () => {
    const change = storedChange(base, stored, feeCompareFields);
    const loss = overwriteLoss(change, mine([base[0]]), feeCompareFields);
    expect(loss.deleted.map((l) => l.id).sort()).toEqual([2, 4]);
    expect(loss.replaced).toEqual([]);
    expect(loss.revived).toBe(0);
  });

  it('loses nothing when the other desk changed only the order, or the clerk already has its values', () => {
    expect(losesNothing(overwriteLoss(storedChange(base, base, feeCompareFields), mine([fee(1, { amountFen: 1 })]), feeCompareFields))).toBe(true);
    const change = storedChange(base, [base[0], stored[1], base[2]], feeCompareFields);
    expect(losesNothing(overwriteLoss(change, mine([base[0], stored[1], base[2]]), feeCompareFields))).toBe(true);
  });

  it('lines deleted on the server are sent again as new lines, the others keep their ids', () => {
    const lines = mine([base[0], base[2], fee(0, { remarks: 'new' })]).map((l, i) => (i === 2 ? { ...l, id: undefined } : l));
    const rebased = rebaseLines(lines, stored);
    expect(rebased.map((l) => l.id)).toEqual([1, undefined, undefined]);
    expect('id' in rebased[1]).toBe(false);
    expect(rebased[1]).toMatchObject({ feeType: 'travel', amountFen: 10_000 });
  });
});

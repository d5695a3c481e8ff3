import { describe, expect, it } from 'vitest';
import { addDays, addMonths, suggestWarranty } from '../../shared/dispatch/warranty.js';

describe('calendar months', () => {
  it('clamps to the end of a shorter month', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29'); // leap year
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2024-01-31', 13)).toBe('2025-02-28');
    expect(addMonths('2024-03-31', 1)).toBe('2024-04-30');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28'); // leap day + a year
    expect(addMonths('2024-02-29', 48)).toBe('2028-02-29');
    expect(addMonths('2024-12-15', 1)).toBe('2025-01-15');
    expect(addMonths('2024-05-10', 0)).toBe('2024-05-10');
  });

  it('adds days across months and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-29', 1)).toBe('2024-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
  });
});

describe('三包 suggestion', () => {
  const signed = { signDate: '2024-01-31', deliveryDate: null };

  it('covers the last day and not the next', () => {
    expect(suggestWarranty(signed, 12, '2025-01-31')).toEqual({ warranty: true, from: '2024-01-31', until: '2025-01-31' });
    expect(suggestWarranty(signed, 12, '2025-02-01').warranty).toBe(false);
  });

  it('clamps the last day at a month end', () => {
    expect(suggestWarranty(signed, 1, '2024-02-29')).toEqual({ warranty: true, from: '2024-01-31', until: '2024-02-29' });
    expect(suggestWarranty(signed, 1, '2024-03-01').warranty).toBe(false);
    expect(suggestWarranty({ signDate: '2023-01-31' }, 1, '2023-02-28').warranty).toBe(true);
    expect(suggestWarranty({ signDate: '2023-01-31' }, 1, '2023-03-01').warranty).toBe(false);
  });

  it('runs a leap-day start to the 28th of February', () => {
    const leap = { signDate: '2024-02-29' };
    expect(suggestWarranty(leap, 12, '2025-02-28')).toEqual({ warranty: true, from: '2024-02-29', until: '2025-02-28' });
    expect(suggestWarranty(leap, 12, '2025-03-01').warranty).toBe(false);
  });

  it('starts at the delivery date when it is known', () => {
    const delivered = { signDate: '2023-06-01', deliveryDate: '2023-09-15' };
    expect(suggestWarranty(delivered, 12, '2024-09-15')).toEqual({ warranty: true, from: '2023-09-15', until: '2024-09-15' });
    expect(suggestWarranty(delivered, 12, '2024-09-16').warranty).toBe(false);
    // From the sign date it would have ended in June.
    expect(suggestWarranty({ signDate: '2023-06-01' }, 12, '2024-06-02').warranty).toBe(false);
  });

  it('covers nothing with a period of 0 months', () => {
    const r = suggestWarranty({ signDate: '2024-05-10' }, 0, '2024-05-10');
    expect(r).toEqual({ warranty: false, from: '2024-05-10', until: '2024-05-09' });
  });

  it('covers the first day', () => {
    expect(suggestWarranty({ signDate: '2024-05-10' }, 1, '2024-05-10').warranty).toBe(true);
  });

  it('suggests nothing for a contract with an impossible or malformed start day, without throwing', () => {
    expect(suggestWarranty({ signDate: '2024-02-30' }, 12, '2024-05-10')).toEqual({ warranty: false, from: '', until: '' });
    expect(suggestWarranty({ signDate: '2024-05-01', deliveryDate: '2024/05/03' }, 12, '2024-05-10')).toEqual({ warranty: false, from: '', until: '' });
    expect(suggestWarranty({ signDate: '' }, 12, '2024-05-10')).toEqual({ warranty: false, from: '', until: '' });
  });

  it('refuses a malformed today (a program error)', () => {
    expect(() => suggestWarranty({ signDate: '2024-02-01' }, 12, '10/05/2024')).toThrow(RangeError);
  });
});

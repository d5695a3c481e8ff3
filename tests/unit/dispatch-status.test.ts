import { describe, expect, it } from 'vitest';
import { dispatchStatuses, type DispatchStatus } from '../../shared/modules/dispatch.js';
import { canVisit, nextStatuses, transitionRefusal } from '../../shared/dispatch/status.js';

// The machine as the issue states it; every one of the 36 pairs is checked against it.
const allowed: Record<DispatchStatus, DispatchStatus[]> = {
  pending: ['dispatched', 'cancelled'],
  dispatched: ['in_progress', 'pending', 'cancelled'],
  in_progress: ['completed', 'cancelled'],
  completed: ['in_progress'],
  visited: [],
  cancelled: [],
};
const ready = { engineerId: 1, contentLinesWithResult: 1 };

describe('the dispatch status machine', () => {
  const pairs = dispatchStatuses.flatMap((from) => dispatchStatuses.map((to) => [from, to] as const));

  it.each(pairs)('%s → %s', (from, to) => {
    const expected = allowed[from].includes(to);
    expect(transitionRefusal(from, to, ready) === null).toBe(expected);
    expect(nextStatuses(from).includes(to)).toBe(expected);
    if (!expected) expect(transitionRefusal(from, to, ready)).toMatch(/same|closed|notAllowed|visitOnly/);
  });

  it('reaches visited only through the return visit, from completed', () => {
    for (const from of dispatchStatuses) {
      expect(transitionRefusal(from, 'visited', ready, 'visit') === null).toBe(from === 'completed');
      expect(canVisit(from)).toBe(from === 'completed');
    }
    expect(transitionRefusal('completed', 'visited', ready)).toBe('visitOnly');
    expect(transitionRefusal('completed', 'in_progress', ready, 'visit')).toBe('notAllowed');
  });

  it('names why a closed order cannot move', () => {
    expect(transitionRefusal('visited', 'in_progress', ready)).toBe('closed');
    expect(transitionRefusal('cancelled', 'pending', ready)).toBe('closed');
    expect(transitionRefusal('pending', 'pending', ready)).toBe('same');
  });

  it('needs an engineer to dispatch', () => {
    expect(transitionRefusal('pending', 'dispatched', { engineerId: null, contentLinesWithResult: 0 })).toBe('needsEngineer');
    expect(transitionRefusal('pending', 'dispatched', { engineerId: 3, contentLinesWithResult: 0 })).toBeNull();
  });

  it('needs a content line with a result to complete', () => {
    expect(transitionRefusal('in_progress', 'completed', { engineerId: 3, contentLinesWithResult: 0 })).toBe('needsContent');
    expect(transitionRefusal('in_progress', 'completed', { engineerId: 3, contentLinesWithResult: 2 })).toBeNull();
  });

  it('checks only the edges without facts (what the UI offers)', () => {
    expect(transitionRefusal('pending', 'dispatched')).toBeNull();
    expect(nextStatuses('completed')).toEqual(['in_progress']);
  });
});

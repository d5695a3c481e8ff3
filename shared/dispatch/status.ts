import { dispatchStatuses, type DispatchStatus } from '../modules/dispatch.js';

// The status machine of a dispatch order (售服派工单):
// pending 待处理 → dispatched 已派工 → in_progress 处理中 → completed 已完成 → visited 已回访
// (closed), and cancelled 已取消. `visited` is reached only through the return visit
// (dispatch.returnVisit), never through a plain status change.

export const allowedTransitions: Readonly<Record<DispatchStatus, readonly DispatchStatus[]>> = {
  pending: ['dispatched', 'cancelled'],
  dispatched: ['in_progress', 'pending', 'cancelled'],
  in_progress: ['completed', 'cancelled'],
  completed: ['in_progress', 'visited'],
  visited: [],
  cancelled: [],
};

/** What the order has that the rules look at. */
export interface StatusFacts {
  engineerId: number | null;
  /** Content lines that have a result (every stored line has one). */
  contentLinesWithResult: number;
}

export type RefusalReason =
  | 'same' // already in that status
  | 'closed' // visited or cancelled: no way out
  | 'notAllowed' // not an edge of the machine
  | 'visitOnly' // visited only through the return visit
  | 'needsEngineer' // dispatching needs an engineer
  | 'needsContent'; // completing needs a content line with a result

const english: Record<RefusalReason, string> = {
  same: 'The order already has this status.',
  closed: 'The order is closed; its status cannot change any more.',
  notAllowed: 'This status change is not allowed.',
  visitOnly: 'An order is marked visited by recording the return visit.',
  needsEngineer: 'Choose an engineer before dispatching the order.',
  needsContent: 'Add at least one service content line with a result before completing the order.',
};

/** The English text of a refusal (logs, scripts, the REFUSED message). */
export function refusalMessage(reason: RefusalReason, from: DispatchStatus, to: DispatchStatus): string {
  return `${from} → ${to}: ${english[reason]}`;
}

/**
 * Why `from → to` is refused, or null when it is allowed. `via` tells how it is asked for:
 * `visit` is the return visit, the only way to `visited`. Without `facts` only the edges are
 * checked (what the UI shows as possible).
 */
export function transitionRefusal(
  from: DispatchStatus,
  to: DispatchStatus,
  facts?: StatusFacts,
  via: 'status' | 'visit' = 'status',
): RefusalReason | null {
  if (from === to) return 'same';
  if (allowedTransitions[from].length === 0) return 'closed';
  if (!allowedTransitions[from].includes(to)) return 'notAllowed';
  if (to === 'visited' && via !== 'visit') return 'visitOnly';
  if (to !== 'visited' && via === 'visit') return 'notAllowed';
  if (facts) {
    if (to === 'dispatched' && facts.engineerId === null) return 'needsEngineer';
    if (to === 'completed' && facts.contentLinesWithResult < 1) return 'needsContent';
  }
  return null;
}

/** Statuses a plain status change may move the order to now (edges only; facts checked on save). */
export function nextStatuses(status: DispatchStatus): DispatchStatus[] {
  return allowedTransitions[status].filter((to) => to !== 'visited');
}

/** Whether the return visit may be recorded now. */
export function canVisit(status: DispatchStatus): boolean {
  return status === 'completed';
}

export function isDispatchStatus(s: string): s is DispatchStatus {
  return (dispatchStatuses as readonly string[]).includes(s);
}

import { ServiceError, type ErrorCode, type ErrorReason } from './errors.js';

// Why a business rule refuses a request, or what conflicted: a code the client translates
// (`reasons.<code>`) with its values, and an English message for logs and scripts, written once here.
const messages = {
  // Dispatch orders (issue 4).
  ORDER_CLOSED: (p) => `Dispatch order ${p.orderNo} is ${p.status === 'visited' ? 'closed' : 'cancelled'}; it can no longer be modified.`,
  ENGINEER_REQUIRED: (p) =>
    `Dispatch order ${p.orderNo} is ${p.status}; its engineer cannot be removed. Choose another engineer, or set the order back to pending first.`,
  DELETE_PAST_DISPATCH: (p) =>
    `Nothing was deleted: ${p.orders} ${p.count === 1 ? 'is' : 'are'} past dispatch. Only pending or dispatched orders can be deleted; cancelled and later orders stay for history.`,
  DELETE_HAS_LINES: (p) =>
    `Nothing was deleted: ${p.orders} ${p.count === 1 ? 'has' : 'have'} service content, fees or materials. An order with lines cannot be deleted; cancel it instead (cancelled orders stay for the history).`,
  STATUS_REFUSED: (p) => `${p.from} → ${p.to}: ${p.english}`,
  CONTENT_FROZEN: (p) => `Dispatch order ${p.orderNo} is ${p.status === 'visited' ? 'closed' : 'cancelled'}; its service content can no longer change.`,
  CONTENT_REQUIRED: (p) => `Dispatch order ${p.orderNo} is completed; it needs at least one service content line with a result.`,
  FEES_CANCELLED: (p) => `Dispatch order ${p.orderNo} is cancelled; its fees can no longer change (${p.changes}).`,
  FEES_CLOSED: (p) => `Dispatch order ${p.orderNo} is closed; only whether existing fee lines are settled, and when, may change (${p.changes}).`,
  REGION_IN_USE: (p) => `The region "${p.name}" cannot be deleted: ${p.uses} use it.`,
  REGION_UNDER_ITSELF: (p) => `The region "${p.name}" cannot be moved under itself.`,
  REGION_CYCLE: (p) => `The region "${p.name}" cannot be moved under "${p.parent}", which is below it: that would make a cycle.`,
  // Conflicts: another desk changed or deleted it meanwhile.
  ORDER_DELETED: (p) => `Dispatch order ${p.orderNo} has been deleted meanwhile.`,
  ORDERS_GONE: (p) => `Nothing was deleted: ${p.orders} no longer exist(s); another desk may have deleted it.`,
  OWED_CHANGED: (p) => `Owed record #${p.id} was changed by ${p.by} at ${p.at} after you opened it. Reopen it to see the changes.`,
  // The warehouse (issue 8).
  INSUFFICIENT_STOCK: (p) => `Only ${p.available} of part ${p.partNo} available in ${p.warehouse}; ${p.requested} cannot be taken out.`,
  FAULTY_STORE_ISSUE: (p) => `${p.warehouse} is the faulty-parts store; its stock is never issued.`,
  SERIAL_COUNT: (p) => `Part ${p.partNo} is serial-tracked: a quantity of ${p.expected} needs exactly ${p.expected} serials, ${p.given} given.`,
  SERIALS_NOT_TRACKED: (p) => `Part ${p.partNo} is not serial-tracked; leave the serials empty.`,
  SERIAL_DUPLICATE: (p) => `Serial ${p.serial} appears more than once on this document.`,
  SERIAL_NOT_IN_WAREHOUSE: (p) => `Serial ${p.serial} (part ${p.partNo}) is not in stock in ${p.warehouse}.`,
  SERIAL_NOT_ISSUED_FOR_ORDER: (p) => `Serial ${p.serial} (part ${p.partNo}) was not issued for order ${p.orderNo}.`,
  SERIAL_EXISTS: (p) => `Serial ${p.serial} (part ${p.partNo}) is already in stock or issued; it cannot be received again.`,
  SERIAL_NOT_INSTALLED: (p) => `Serial ${p.serial} (part ${p.partNo}) is recorded elsewhere (${p.state}); it cannot be the old part taken out of the device.`,
  RETURN_ABOVE_ISSUED: (p) =>
    `Order ${p.orderNo}: part ${p.partNo} issued ${p.issued}, returned ${p.returned}; at most ${p.available} more can be returned, not ${p.requested}.`,
  NOT_FAULTY_STORE: (p) => `Faulty parts go to the faulty-parts store; ${p.warehouse} is not one.`,
  FAULTY_STORE_UNUSED: (p) => `Unused parts do not go back to the faulty-parts store ${p.warehouse}.`,
  ALREADY_REVERSED: (p) => `Document ${p.docNo} was already reversed by ${p.reversal}.`,
  REVERSAL_NOT_REVERSIBLE: (p) => `${p.docNo} is a reversal itself and cannot be reversed.`,
  REVERSAL_BLOCKED: (p) => `Later documents already used the parts or serials of ${p.docNo} (${p.detail}); reverse those first.`,
  WAREHOUSE_INACTIVE: (p) => `Warehouse ${p.warehouse} is no longer in use.`,
  PART_INACTIVE: (p) => `Part ${p.partNo} is no longer in use.`,
  ORDER_CANCELLED: (p) => `Order ${p.orderNo} is cancelled; no parts are issued or owed for it (parts already issued can still be returned).`,
  MATERIALS_NOT_ISSUED: (p) => `Order ${p.orderNo} has planned parts not issued: ${p.parts}. Record them as owed or reduce the plan.`,
  PLAN_BELOW_ISSUED: (p) => `${p.used} of part ${p.partNo} are in use on the order; the plan cannot be less.`,
  MATERIAL_LINE_ISSUED: (p) => `Part ${p.partNo} has been issued; the line cannot be deleted (reduce the plan to what is used instead).`,
  MATERIALS_FROZEN: (p) => `Order ${p.orderNo} is ${p.status}; its material plan can no longer change.`,
  OWED_NOT_OPEN: (p) => `Owed record #${p.id} is ${p.status}; nothing more can be supplied or changed.`,
  OWED_ABOVE_REMAINING: (p) => `Owed record #${p.id} has only ${p.remaining} left to supply, not ${p.requested}.`,
  OWED_OTHER_ORDER: (p) => `Owed record #${p.id} is for order ${p.orderNo}, part ${p.partNo}; it does not match this line.`,
  NOTHING_OWED: (p) => `Order ${p.orderNo} has nothing left to record as owed.`,
} satisfies Record<string, (p: Record<string, string | number>) => string>;

export type ReasonCode = keyof typeof messages;
export const reasonCodes = Object.keys(messages) as ReasonCode[];

/** A REFUSED error (or another code: CONFLICT) with its reason code and values. */
export function refusal(code: ReasonCode, params: Record<string, string | number>, error: ErrorCode = 'REFUSED'): ServiceError {
  const reason: ErrorReason = { code, params };
  return new ServiceError(error, messages[code](params), { reason });
}

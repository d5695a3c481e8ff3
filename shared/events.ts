// Names of the events the message server pushes (legacy 消息服务器).
export const events = {
  /** Sent once when a WebSocket is accepted. */
  hello: 'hello',
  /** Rows of a module changed at some desk; clients may refresh. */
  dataChanged: 'data.changed',
  /** Something that matters to this desk's user (shared/live.ts): an urgent order, overdue owed parts. */
  notice: 'notice',
} as const;

export interface ServerEvent {
  event: string;
  data?: unknown;
}

import { events, type ServerEvent } from '../../../shared/events.js';
import { endpointUrl, type Endpoint } from '../../../shared/settings.js';

export type MessageStatus = 'connecting' | 'connected' | 'disconnected';

/**
 * The desk's connection to the message server (legacy 消息服务器): a WebSocket that says hello,
 * then carries events. It reconnects with a growing pause while the session lasts.
 */
export class MessageConnection {
  private socket: WebSocket | null = null;
  private closed = false;
  private retryMs = 1000;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly token: string,
    private readonly onStatus: (status: MessageStatus) => void,
    private readonly onEvent: (event: ServerEvent) => void = () => {},
    /** The server refused the session (close code 4401): retrying cannot help. */
    private readonly onSessionRejected: () => void = () => {},
    /** The hello of an accepted session (live updates: the server's last seq and this desk's id). */
    private readonly onHello: (data: Record<string, unknown>) => void = () => {},
    /** The last seq this desk has, asked at each (re)connect so the server sends what was missed (live updates). */
    private readonly resumeFrom: () => number | null = () => null,
  ) {
    this.open();
  }

  private open(): void {
    if (this.closed) return;
    this.onStatus('connecting');
    let socket: WebSocket;
    try {
      const since = this.resumeFrom();
      socket = new WebSocket(`${endpointUrl(this.endpoint, 'ws')}/ws?token=${encodeURIComponent(this.token)}${since === null ? '' : `&since=${since}`}`);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onmessage = (message) => {
      let data: ServerEvent;
      try {
        data = JSON.parse(String(message.data)) as ServerEvent;
      } catch {
        return;
      }
      if (data.event === events.hello) {
        const ok = (data.data as { authenticated?: boolean } | undefined)?.authenticated === true;
        if (ok) {
          this.retryMs = 1000;
          this.onHello(data.data as Record<string, unknown>);
          this.onStatus('connected');
        }
        return;
      }
      this.onEvent(data);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.closed) return;
      this.onStatus('disconnected');
      if (event.code === 4401) {
        this.closed = true;
        this.onSessionRejected();
        return;
      }
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (this.closed) return;
    this.retryTimer = setTimeout(() => this.open(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }
}

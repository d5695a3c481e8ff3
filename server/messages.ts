import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Auth, Session } from '../db/auth.js';
import { events, type ServerEvent } from '../shared/events.js';

/** An authenticated desk on the message socket: who is signed in there. */
export interface Desk {
  session: Session;
  send(message: ServerEvent): void;
}

/**
 * The message server (legacy 消息服务器): one WebSocket per desk. A socket opened without a
 * valid token is greeted and closed, which is what "test connection" needs; with a token it
 * stays open and receives events.
 */
export class MessageServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Set<WebSocket>();
  /** The session of each authenticated socket (live updates send some notices to some users only). */
  private readonly desks = new Map<WebSocket, Desk>();
  private readonly heartbeat: NodeJS.Timeout;
  /** More of the hello of an authenticated socket (the live updates' seq and desk id). */
  private helloData: (session: Session) => Record<string, unknown> = () => ({});
  private readonly openListeners = new Set<(desk: Desk) => void>();

  constructor(private readonly auth: Auth) {
    this.heartbeat = setInterval(() => {
      for (const ws of this.clients) {
        if ((ws as WebSocket & { alive?: boolean }).alive === false) {
          ws.terminate();
          continue;
        }
        (ws as WebSocket & { alive?: boolean }).alive = false;
        ws.ping();
      }
    }, 30_000);
    this.heartbeat.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const token = url.searchParams.get('token');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      let authenticated = false;
      let session: Session | null = null;
      if (token) {
        try {
          session = this.auth.authenticate(token);
          authenticated = true;
        } catch {
          authenticated = false;
        }
      }
      // The hello and the joining happen in one turn: every event broadcast after the hello's
      // seq reaches this socket.
      ws.send(JSON.stringify({ event: events.hello, data: { service: 'pim-aftersales', authenticated, ...(session ? this.helloData(session) : {}) } }));
      if (!authenticated) {
        ws.close(token ? 4401 : 1000, token ? 'session not valid' : 'hello');
        return;
      }
      (ws as WebSocket & { alive?: boolean }).alive = true;
      ws.on('pong', () => ((ws as WebSocket & { alive?: boolean }).alive = true));
      ws.on('close', () => this.forget(ws));
      ws.on('error', () => this.forget(ws));
      this.clients.add(ws);
      const desk: Desk = { session: session!, send: (message) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(message)) };
      this.desks.set(ws, desk);
      for (const listener of this.openListeners) {
        try {
          listener(desk);
        } catch {
          // a listener's failure never closes the socket
        }
      }
    });
  }

  private forget(ws: WebSocket): void {
    this.clients.delete(ws);
    this.desks.delete(ws);
  }

  /** Adds to the hello of each authenticated socket. */
  setHello(data: (session: Session) => Record<string, unknown>): void {
    this.helloData = data;
  }

  /** Called for each authenticated socket right after its hello. */
  onOpen(listener: (desk: Desk) => void): () => void {
    this.openListeners.add(listener);
    return () => this.openListeners.delete(listener);
  }

  /** Sends a message to the authenticated desks the filter picks. */
  sendTo(filter: (desk: Desk) => boolean, message: ServerEvent): void {
    for (const desk of this.desks.values()) if (filter(desk)) desk.send(message);
  }

  broadcast(message: ServerEvent): void {
    const text = JSON.stringify(message);
    for (const ws of this.clients) if (ws.readyState === ws.OPEN) ws.send(text);
  }

  get connectedCount(): number {
    return this.clients.size;
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const ws of this.clients) ws.terminate();
    this.desks.clear();
    this.wss.close();
  }
}

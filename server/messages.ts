import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Auth, Session } from '../db/auth.js';
import { events, type ServerEvent } from '../shared/events.js';
import { CATCH_UP_PARAM, SESSION_CLOSE_CODE, SIGNED_OUT_REASON } from '../shared/live.js';

/** An authenticated desk on the message socket: who is signed in there. */
export interface Desk {
  session: Session;
  send(message: ServerEvent): void;
}

/** What an authenticated socket is sent before it joins the live events. */
export interface Greeting {
  /** More of the hello (the live updates' seq and desk id, whether a catch-up follows). */
  hello: Record<string, unknown>;
  /** Sent right after the hello, in order, before any live event (a reconnecting desk's catch-up). */
  then?: readonly ServerEvent[];
}

/**
 * The message server (legacy 消息服务器): one WebSocket per desk. A socket opened without a
 * valid token is greeted and closed, which is what "test connection" needs; with a token it
 * stays open and receives events while its session lasts: a session that ends (logout here at
 * once, expiry or a disabled user at the next closeEndedSessions) closes its sockets.
 */
export class MessageServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Set<WebSocket>();
  /** The session of each authenticated socket (live updates send some notices to some users only). */
  private readonly desks = new Map<WebSocket, Desk>();
  private readonly heartbeat: NodeJS.Timeout;
  private greet: (session: Session, since: number | null) => Greeting = () => ({ hello: {} });
  private readonly openListeners = new Set<(desk: Desk) => void>();
  private closed = false;

  constructor(private readonly auth: Auth) {
    // A logout through this process closes that session's sockets at once; other ends of a
    // session (expiry, a disabled user, a logout at another process) are found by closeEndedSessions.
    auth.onSessionEnded((id) => {
      if (!this.closed) this.closeSession(id);
    });
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
    // The last seq the desk has, when it reconnects (catch-up); anything else is ignored.
    const sinceText = url.searchParams.get(CATCH_UP_PARAM);
    const since = sinceText && /^\d{1,15}$/.test(sinceText) ? Number(sinceText) : null;
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
      // The hello, the catch-up and the joining happen in one turn: every event broadcast after
      // the hello's seq reaches this socket, after the catch-up and never twice.
      let greeting: Greeting = { hello: {} };
      try {
        if (session) greeting = this.greet(session, since);
      } catch {
        // a desk greeted without the live updates' extras still works; its lists are refreshed by hand
      }
      ws.send(JSON.stringify({ event: events.hello, data: { service: 'pim-aftersales', authenticated, ...greeting.hello } }));
      if (!authenticated) {
        ws.close(token ? SESSION_CLOSE_CODE : 1000, token ? 'session not valid' : 'hello');
        return;
      }
      for (const message of greeting.then ?? []) ws.send(JSON.stringify(message));
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

  /**
   * What each authenticated socket is sent first: more of its hello, and events to send before
   * it joins (`since`: the last seq the desk says it has, or null).
   */
  setGreeting(greet: (session: Session, since: number | null) => Greeting): void {
    this.greet = greet;
  }

  /** Closes the sockets of a session that ended, with the code and reason a client reads as "signed out". */
  closeSession(sessionId: string): void {
    for (const [ws, desk] of this.desks) {
      if (desk.session.id !== sessionId) continue;
      this.forget(ws);
      ws.close(SESSION_CLOSE_CODE, SIGNED_OUT_REASON);
    }
  }

  /** Closes the sockets whose session has ended (expired, logged out elsewhere, user disabled). Reads only. */
  closeEndedSessions(): void {
    const ids = new Set([...this.desks.values()].map((d) => d.session.id));
    for (const id of ids) if (!this.auth.sessionAlive(id)) this.closeSession(id);
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
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const ws of this.clients) ws.terminate();
    this.desks.clear();
    this.wss.close();
  }
}

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Auth } from '../db/auth.js';
import { events, type ServerEvent } from '../shared/events.js';

/**
 * The message server (legacy 消息服务器): one WebSocket per desk. A socket opened without a
 * valid token is greeted and closed, which is what "test connection" needs; with a token it
 * stays open and receives events.
 */
export class MessageServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Set<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;

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
      if (token) {
        try {
          this.auth.authenticate(token);
          authenticated = true;
        } catch {
          authenticated = false;
        }
      }
      ws.send(JSON.stringify({ event: events.hello, data: { service: 'pim-aftersales', authenticated } }));
      if (!authenticated) {
        ws.close(token ? 4401 : 1000, token ? 'session not valid' : 'hello');
        return;
      }
      (ws as WebSocket & { alive?: boolean }).alive = true;
      ws.on('pong', () => ((ws as WebSocket & { alive?: boolean }).alive = true));
      ws.on('close', () => this.clients.delete(ws));
      ws.on('error', () => this.clients.delete(ws));
      this.clients.add(ws);
    });
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
    this.wss.close();
  }
}

import type { IncomingMessage } from 'node:http';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { timingSafeEqual } from 'node:crypto';
import { WebSocket, WebSocketServer } from 'ws';
import type { CallContext, Dispatcher } from './Dispatcher';
import { Errors, toKurentoError } from './errors';
import { errorFrame, parseFrame, resultFrame } from './frame';
import type { Session, Sessions } from './Sessions';

export interface RpcServerOptions {
  path: string;
  accessToken: string | undefined;
  /** Frames larger than this get an error reply (the connection stays open). */
  maxFrameBytes: number;
}

/** Frames beyond this close the socket (ws's own limit); below it they get a JSON-RPC error. */
const HARD_FRAME_LIMIT = 64 * 1024 * 1024;

/**
 * The WebSocket transport of the Kurento Protocol: path and token checks, one JSON-RPC request per
 * text frame, session binding per connection, and event delivery to the socket of a session.
 */
export class RpcServer {
  readonly http: http.Server;
  readonly #wss: WebSocketServer;

  constructor(
    private readonly opts: RpcServerOptions,
    private readonly dispatcher: Dispatcher,
    private readonly sessions: Sessions,
    private readonly logger: Logger,
  ) {
    this.http = http.createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' });
      res.end('Kurento Protocol: open a WebSocket at ' + opts.path + '\n');
    });
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: HARD_FRAME_LIMIT });
    this.http.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head));
    this.#wss.on('connection', (ws) => this.#connection(ws));
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const reject = (code: number, text: string) => {
      socket.end(`HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname.replace(/\/+$/, '') !== this.opts.path) {
      reject(404, 'Invalid path');
      return;
    }
    if (
      this.opts.accessToken !== undefined &&
      !sameSecret(url.searchParams.get('access_token'), this.opts.accessToken)
    ) {
      reject(401, 'Unauthorized');
      return;
    }
    // KMS's Docker health check counts a 500 on a key-less upgrade as healthy; answer the same.
    if (!req.headers['sec-websocket-key']) {
      reject(500, 'Internal Server Error');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#wss.emit('connection', ws, req));
  }

  #connection(ws: WebSocket): void {
    const ctx: CallContext = {
      boundSession: undefined,
      bind: (s: Session) => {
        ctx.boundSession = s.id;
        this.sessions.bind(s, ws);
      },
    };
    ws.on('message', (data, isBinary) => {
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
      if (size > this.opts.maxFrameBytes) {
        // Not parsed; but kurento-client writes the id as the frame's last member, so look for
        // it in the tail to let the caller's callback fail fast instead of timing out.
        const m = /"id"\s*:\s*(\d+)\s*}\s*$/.exec(tailText(data, 64));
        const id = m ? Number(m[1]) : null;
        const err = Errors.invalidRequest(
          `Frame of ${size} bytes exceeds ${this.opts.maxFrameBytes}`,
        );
        send(ws, errorFrame(id, err));
        return;
      }
      // kurento-client's websocket-stream@1 / ws@0.7 sends its JSON as *binary* frames; take
      // both kinds as UTF-8 text (isBinary is deliberately ignored).
      void isBinary;
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
      void this.#handle(ws, text, ctx);
    });
    ws.on('close', () => this.sessions.detach(ws));
    ws.on('error', (err) => this.logger.debug({ err }, 'socket error'));
  }

  async #handle(ws: WebSocket, text: string, ctx: CallContext): Promise<void> {
    const parsed = parseFrame(text);
    if (!parsed.ok) {
      send(ws, errorFrame(parsed.id, parsed.error));
      return;
    }
    const req = parsed.request;
    // kurento-client sends its first requests (describe, getServerManager…) without waiting for
    // a session id. Giving the connection its session before the first await means concurrent
    // requests share it instead of each creating one (the client adopts whichever reply comes
    // last, and subscriptions made in a socket-less session never got their events).
    if (
      ctx.boundSession === undefined &&
      req.params['sessionId'] === undefined &&
      req.method !== 'ping' &&
      req.method !== 'connect'
    ) {
      ctx.bind(this.sessions.getOrCreate(undefined));
    }
    try {
      const result = await this.dispatcher.call(req, ctx);
      // As KMS: the connection follows the session of each reply (a client that names another
      // session gets that session's events on this socket from now on).
      const sid = result['sessionId'];
      if (typeof sid === 'string' && sid !== ctx.boundSession) {
        ctx.bind(this.sessions.getOrCreate(sid));
      }
      if (req.id !== undefined) send(ws, resultFrame(req.id, result));
    } catch (err) {
      const kerr = toKurentoError(err);
      if (kerr.code === 40003) this.logger.error({ err, method: req.method }, 'request failed');
      if (req.id !== undefined) send(ws, errorFrame(req.id, kerr));
    }
  }

  /** Sends an `onEvent` notification to every session subscribed to it. */
  emit(objectId: string, type: string, data: object): void {
    let frame: string | undefined;
    for (const ws of this.sessions.targets(objectId, type)) {
      frame ??= JSON.stringify({
        jsonrpc: '2.0',
        method: 'onEvent',
        params: { value: { data, object: objectId, type } },
      });
      send(ws, frame);
    }
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        const addr = this.http.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  async close(): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    await new Promise<void>((r) => this.#wss.close(() => r()));
    await new Promise<void>((r) => this.http.close(() => r()));
  }
}

function send(ws: WebSocket, frame: string): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(frame);
}

function tailText(data: Buffer | ArrayBuffer | Buffer[], n: number): string {
  const buf = Array.isArray(data)
    ? (data[data.length - 1] ?? Buffer.alloc(0))
    : Buffer.isBuffer(data)
      ? data
      : Buffer.from(data);
  return buf.subarray(Math.max(0, buf.length - n)).toString('utf8');
}

/** Constant-time token comparison (no early exit that would leak a matching prefix). */
function sameSecret(given: string | null, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

import { EventEmitter } from 'node:events';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface HoldingProxy {
  /** For HTTP_PROXY. */
  url: string;
  /** Emits `held` when Logto has answered a refresh and the answer is being held back. */
  events: EventEmitter;
  /** How many refresh answers were held so far. */
  held: () => number;
  close: () => Promise<void>;
}

/**
 * A forward HTTP proxy in front of one plain-HTTP origin (the real Logto) that makes Logto look
 * slow exactly where it matters: it holds Logto's answer to a refresh-token grant for `holdMs`
 * before relaying it, so a signal can land while that answer is on its way (Logto has already
 * rotated the refresh token by then). Everything else is relayed at once. Requests come either in
 * absolute form or through a CONNECT tunnel (undici's EnvHttpProxyAgent tunnels plain HTTP too);
 * a tunnel is answered by an in-process HTTP server, which sees the requests in the clear.
 */
export async function startHoldingProxy(origin: string, holdMs: number): Promise<HoldingProxy> {
  const target = new URL(origin);
  const events = new EventEmitter();
  let held = 0;
  const sockets = new Set<Socket>();

  const relay = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      // Absolute form (`GET http://host/path`) from a plain proxy client, origin form in a tunnel.
      const absolute = /^https?:\/\//.test(req.url ?? '') ? new URL(req.url!) : undefined;
      const path = absolute ? `${absolute.pathname}${absolute.search}` : (req.url ?? '/');
      const refresh =
        req.method === 'POST' &&
        path.split('?')[0] === '/oidc/token' &&
        new URLSearchParams(body.toString('utf8')).get('grant_type') === 'refresh_token';
      const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: target.host };
      delete headers['proxy-connection'];
      const upstream = request(
        { host: target.hostname, port: target.port, method: req.method, path, headers },
        (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
          answer.on('end', () => {
            const send = () => {
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(Buffer.concat(answerChunks));
            };
            if (!refresh) return send();
            held += 1;
            events.emit('held', { status: answer.statusCode });
            setTimeout(send, holdMs);
          });
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  };

  const tunnelled = createServer(relay);
  const server = createServer(relay);
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  server.on('connection', track);
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (req.url !== target.host) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    tunnelled.emit('connection', socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    held: () => held,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

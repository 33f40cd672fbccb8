import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ExitCode, HfloginError } from '../io/errors.js';
import { errorPage } from './pages.js';
import { ErrorCode } from '../io/errorCodes.js';

export interface Page {
  status: number;
  html: string;
}

/** A callback the login accepted; the browser waits until `respond` is called. */
export interface AcceptedCallback {
  params: URLSearchParams;
  respond(page: Page): Promise<void>;
}

/** Decides on each GET /callback: take it, or answer it and keep waiting. */
export type CallbackFilter = (params: URLSearchParams) => { take: true } | { take: false; page: Page };

export interface CallbackServer {
  port: number;
  /** `http://127.0.0.1:<port>/callback`: Logto matches `http://127.0.0.1/callback` on any port. */
  redirectUri: string;
  /** The first callback the filter took. */
  callback: Promise<AcceptedCallback>;
  close(): Promise<void>;
}

const securityHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

function send(res: ServerResponse, page: Page): Promise<void> {
  return new Promise((resolve) => {
    res.writeHead(page.status, securityHeaders);
    res.end(page.html, () => resolve());
  });
}

/**
 * The temporary loopback server (RFC 8252 §7.3). It listens on 127.0.0.1 only, serves only
 * `GET /callback` with a Host of `127.0.0.1:<port>` (a web page cannot reach it through a DNS name
 * it rebinds to 127.0.0.1), and completes at most one sign-in.
 */
export async function startCallbackServer(options: {
  port: number;
  filter: CallbackFilter;
}): Promise<CallbackServer> {
  let accept!: (callback: AcceptedCallback) => void;
  const callback = new Promise<AcceptedCallback>((resolve) => (accept = resolve));
  let taken = false;
  let port = options.port;

  const server = createServer({ maxHeaderSize: 8 * 1024 }, (req: IncomingMessage, res: ServerResponse) => {
    // One callback is all this server is for: no connection is kept alive.
    res.setHeader('connection', 'close');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.headers.host !== `127.0.0.1:${port}`) {
      void send(res, { status: 400, html: errorPage('Unexpected Host header.') });
      return;
    }
    if (url.pathname !== '/callback') {
      void send(res, { status: 404, html: errorPage('Not found.') });
      return;
    }
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      void send(res, { status: 405, html: errorPage('Method not allowed.') });
      return;
    }
    if (taken) {
      void send(res, { status: 409, html: errorPage('This sign-in has already been completed.') });
      return;
    }
    const decision = options.filter(url.searchParams);
    if (!decision.take) {
      void send(res, decision.page);
      return;
    }
    taken = true;
    accept({ params: url.searchParams, respond: (page) => send(res, page) });
  });
  // Nothing legitimate is large or slow: a browser's callback is one small GET. Bound the rest
  // (slowloris, huge URLs and headers: 431 past 8 KiB).
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  // Garbage that is not HTTP at all: answer 400 and drop the connection, never crash.
  server.on('clientError', (_error, socket) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
        reject(
          new HfloginError(
            `Port ${options.port} on 127.0.0.1 is ${error.code === 'EADDRINUSE' ? 'already in use' : 'not allowed'}.`,
            {
              code: ErrorCode.portUnavailable,
              exitCode: ExitCode.usage,
              hint: 'Choose another --port, or leave it out to use a free one.',
              cause: error,
            },
          ),
        );
      } else reject(error);
    });
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    redirectUri: `http://127.0.0.1:${port}/callback`,
    callback,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { DebugLog } from '../io/debug.js';
import { ExitCode, HfloginError } from '../io/errors.js';
import { noticePage, strayPage, type Locale } from './pages.js';
import { pageLocale } from './pageText.js';
import { ErrorCode } from '../io/errorCodes.js';

export interface Page {
  status: number;
  html: string;
}

/** A callback the login accepted; the browser waits until `respond` is called. */
export interface AcceptedCallback {
  params: URLSearchParams;
  /** The language of the page to answer it with. */
  locale: Locale;
  respond(page: Page): Promise<void>;
}

/**
 * Where the browser stands towards this sign-in when a callback comes: `unstarted` while nobody has
 * taken `/start` (the sign-in URL went only to the terminal, or the browser has not loaded it yet),
 * then `bound` when the callback carries the cookie `/start` set, `unbound` when it does not.
 */
export type BrowserBinding = 'unstarted' | 'bound' | 'unbound';

/** Decides on each GET /callback: take it, or answer it and keep waiting. */
export type CallbackFilter = (
  params: URLSearchParams,
  browser: BrowserBinding,
  locale: Locale,
) => { take: true } | { take: false; page: Page };

/** The one-time start of a sign-in in the browser: `GET /start/<id>`. */
export interface StartLink {
  /** Random, in the path; it is in the browser's argv, so other local users can read it. */
  id: string;
  /** Random, the value of the HttpOnly cookie `/start` sets; never leaves the browser and this server. */
  binding: string;
  /** A second `GET /start/<id>`: someone else has the link too (see startLoopbackSignIn). */
  onReplay(): void;
}

export interface CallbackServer {
  port: number;
  /**
   * `http://127.0.0.1:<port>/callback` (without `:80` on port 80, as browsers write it): Logto
   * matches `http://127.0.0.1/callback` on any port.
   */
  redirectUri: string;
  /** `http://127.0.0.1:<port>/start/<id>`: what the browser is handed instead of the sign-in URL. */
  startUrl: string;
  /** Where `/start` redirects: the provider's sign-in URL (set once it is built). */
  startAt(authorizationUrl: string): void;
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
 * The path of a request as --debug shows it: never the query (a callback's carries the code and the
 * state), and not the id of `/start/<id>` (the link that starts this sign-in).
 */
function shownPath(url: URL | undefined): string {
  if (!url) return '(unparsable)';
  return url.pathname.startsWith('/start/') ? '/start/…' : url.pathname;
}

/**
 * The Host a browser sends for `http://127.0.0.1:<port>/`: without the port when it is http's
 * default, 80 (so `--port 80` works); any other port, 443 included, is written out.
 */
export function loopbackHost(port: number): string {
  return port === 80 ? '127.0.0.1' : `127.0.0.1:${port}`;
}

/**
 * The cookie's name carries the port: cookies are not kept apart by port, so two sign-ins waiting
 * on two ports at once would otherwise overwrite each other's.
 */
function cookieName(port: number): string {
  return `hflogin_${port}`;
}

/** The values of every cookie called `name` in a Cookie header. */
function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  return header
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair.startsWith(`${name}=`))
    .map((pair) => pair.slice(name.length + 1));
}

/** Compares in time independent of where the strings differ (node:crypto stays out of this chunk). */
function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * The temporary loopback server (RFC 8252 §7.3). It listens on 127.0.0.1 only, serves only
 * `GET /start/<id>` and `GET /callback` with a Host of `127.0.0.1:<port>` (a web page cannot reach
 * it through a DNS name it rebinds to 127.0.0.1), and completes at most one sign-in.
 *
 * `/start/<id>` answers once: it sets an HttpOnly, SameSite=Lax cookie holding `start.binding` and
 * redirects to the provider's sign-in URL. Every later request for it is refused and reported
 * (`start.onReplay`); an unknown id is not found. Each callback is told whether it carries the
 * cookie (`BrowserBinding`), for the filter to decide.
 */
export async function startCallbackServer(options: {
  port: number;
  start: StartLink;
  filter: CallbackFilter;
  /** The `ui_locales` the sign-in sent, which the pages follow first (pageLocale). */
  uiLocales?: string;
  /** --debug: one line per request the loopback answers (method, path, status). */
  debug?: DebugLog;
}): Promise<CallbackServer> {
  let accept!: (callback: AcceptedCallback) => void;
  const callback = new Promise<AcceptedCallback>((resolve) => (accept = resolve));
  let taken = false;
  let port = options.port;
  let authorizationUrl: string | undefined;
  let started = false;

  const server = createServer({ maxHeaderSize: 8 * 1024 }, (req: IncomingMessage, res: ServerResponse) => {
    // One callback is all this server is for: no connection is kept alive.
    res.setHeader('connection', 'close');
    const locale = pageLocale(options.uiLocales, req.headers['accept-language']);
    // A request target URL cannot parse (`//[`: a host of "[") is answered, never thrown: a throw
    // here would end the sign-in's process.
    const url = URL.canParse(req.url ?? '/', 'http://127.0.0.1')
      ? new URL(req.url ?? '/', 'http://127.0.0.1')
      : undefined;
    if (options.debug) {
      const debug = options.debug;
      res.once('finish', () => debug(`loopback ${req.method} ${shownPath(url)} → ${res.statusCode}`));
    }
    if (req.headers.host !== loopbackHost(port)) {
      void send(res, { status: 400, html: noticePage(locale, 'badHost') });
      return;
    }
    if (!url) {
      void send(res, { status: 400, html: noticePage(locale, 'badRequest') });
      return;
    }
    if (url.pathname.startsWith('/start/')) {
      answerStart(req, res, url.pathname.slice('/start/'.length), locale);
      return;
    }
    if (url.pathname !== '/callback') {
      // `/`, `/favicon.ico`…: nothing is wrong with the sign-in, which goes on waiting.
      void send(res, { status: 404, html: strayPage(locale, !taken) });
      return;
    }
    if (refusedUnlessGet(req, res, locale)) return;
    if (taken) {
      void send(res, { status: 409, html: noticePage(locale, 'completed') });
      return;
    }
    const binding: BrowserBinding = !started
      ? 'unstarted'
      : cookieValues(req.headers.cookie, cookieName(port)).some((value) =>
            sameSecret(value, options.start.binding),
          )
        ? 'bound'
        : 'unbound';
    const decision = options.filter(url.searchParams, binding, locale);
    if (!decision.take) {
      void send(res, decision.page);
      return;
    }
    taken = true;
    accept({
      params: url.searchParams,
      locale,
      respond: (page) => {
        // The cookie has done its work: the browser may forget it.
        if (binding === 'bound')
          res.setHeader('set-cookie', `${cookieName(port)}=; ${cookieAttributes}; Max-Age=0`);
        return send(res, page);
      },
    });
  });

  const cookieAttributes = 'Path=/callback; HttpOnly; SameSite=Lax';
  /** Answers anything but GET with 405 (and says so): both routes are a browser's navigations. */
  function refusedUnlessGet(req: IncomingMessage, res: ServerResponse, locale: Locale): boolean {
    if (req.method === 'GET') return false;
    res.setHeader('allow', 'GET');
    void send(res, { status: 405, html: noticePage(locale, 'methodNotAllowed') });
    return true;
  }

  function answerStart(req: IncomingMessage, res: ServerResponse, id: string, locale: Locale): void {
    if (!sameSecret(id, options.start.id)) {
      void send(res, { status: 404, html: strayPage(locale, !taken) });
      return;
    }
    if (refusedUnlessGet(req, res, locale)) return;
    if (authorizationUrl === undefined) {
      void send(res, { status: 503, html: noticePage(locale, 'notReady') });
      return;
    }
    if (started) {
      // Answered once only: whoever asks again learns nothing (no redirect, no cookie), and the
      // sign-in is told, since the link has reached more than one browser.
      options.start.onReplay();
      void send(res, { status: 409, html: noticePage(locale, 'linkReused') });
      return;
    }
    started = true;
    res.setHeader('set-cookie', `${cookieName(port)}=${options.start.binding}; ${cookieAttributes}`);
    res.setHeader('location', authorizationUrl);
    void send(res, { status: 303, html: '' });
  }
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
  const origin = `http://${loopbackHost(port)}`;

  return {
    port,
    redirectUri: `${origin}/callback`,
    startUrl: `${origin}/start/${options.start.id}`,
    startAt: (url) => (authorizationUrl = url),
    callback,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

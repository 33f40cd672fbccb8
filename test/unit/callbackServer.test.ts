import { request } from 'node:http';

import { describe, expect, it } from 'vitest';

import { loopbackHost, startCallbackServer, type BrowserBinding } from '../../src/loopback/callbackServer.js';
import { failurePage, successPage } from '../../src/loopback/pages.js';
import { expectRefused } from '../helpers/hostile.js';

const start = { id: 'start-id', binding: 'the-binding', onReplay: () => {} };

function get(port: number, path: string, options: { method?: string; host?: string; cookie?: string } = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>(
    (resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: options.method ?? 'GET',
          headers: {
            ...(options.host ? { host: options.host } : {}),
            ...(options.cookie ? { cookie: options.cookie } : {}),
          },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

describe('loopback callback server', () => {
  it('serves only GET /callback for Host 127.0.0.1:<port>, and takes one callback', async () => {
    const server = await startCallbackServer({
      port: 0,
      start,
      filter: (params) =>
        params.get('state') === 'good'
          ? { take: true }
          : { take: false, page: { status: 400, html: failurePage('en', 'wrong state') } },
    });
    try {
      expect(server.redirectUri).toBe(`http://127.0.0.1:${server.port}/callback`);
      expect((await get(server.port, '/')).status).toBe(404);
      expect((await get(server.port, '/callback/x')).status).toBe(404);
      expect((await get(server.port, '/callback?state=good', { method: 'POST' })).status).toBe(405);
      // DNS rebinding: a page served from evil.example resolving to 127.0.0.1 sends its own Host.
      expect(
        (await get(server.port, '/callback?state=good', { host: `evil.example:${server.port}` })).status,
      ).toBe(400);
      expect((await get(server.port, '/callback?state=bad')).status).toBe(400);

      const genuine = get(server.port, '/callback?state=good&code=abc');
      const accepted = await server.callback;
      expect(accepted.params.get('code')).toBe('abc');
      expect((await get(server.port, '/callback?state=good&code=again')).status).toBe(409);
      await accepted.respond({ status: 200, html: successPage('en', 'alice-hf') });
      const response = await genuine;
      expect(response.status).toBe(200);
      expect(response.body).toContain('Signed in as <strong id="hflogin-account">alice-hf</strong>');
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
      expect(response.headers['cache-control']).toBe('no-store');
    } finally {
      await server.close();
    }
  });

  it('answers /start/<id> once: a cookie for /callback and a redirect; a replay is refused and reported', async () => {
    let replays = 0;
    const bindings: BrowserBinding[] = [];
    const server = await startCallbackServer({
      port: 0,
      start: { ...start, onReplay: () => (replays += 1) },
      filter: (_params, browser) => {
        bindings.push(browser);
        return browser === 'bound'
          ? { take: true }
          : { take: false, page: { status: 400, html: failurePage('en', 'stray') } };
      },
    });
    try {
      expect(server.startUrl).toBe(`http://127.0.0.1:${server.port}/start/start-id`);
      // Not ready until the sign-in URL is known.
      expect((await get(server.port, '/start/start-id')).status).toBe(503);
      server.startAt('https://tenant.example/oidc/auth?state=s');
      // Before /start, nothing is bound: the filter decides on the state alone.
      await get(server.port, '/callback?state=s');
      expect(bindings).toEqual(['unstarted']);

      const unknown = await get(server.port, '/start/guessed-id');
      expectRefused(
        'loopback /start with an unknown id',
        unknown.status === 404 && !unknown.headers.location,
      );
      expect((await get(server.port, '/start/start-id', { method: 'POST' })).status).toBe(405);

      const first = await get(server.port, '/start/start-id');
      expect(first.status).toBe(303);
      expect(first.headers.location).toBe('https://tenant.example/oidc/auth?state=s');
      expect(first.headers['set-cookie']).toEqual([
        `hflogin_${server.port}=the-binding; Path=/callback; HttpOnly; SameSite=Lax`,
      ]);

      const replay = await get(server.port, '/start/start-id');
      expectRefused(
        'loopback /start replayed',
        replay.status === 409 && !replay.headers.location && !replay.headers['set-cookie'],
      );
      expect(replays).toBe(1);

      await get(server.port, '/callback?state=s');
      await get(server.port, '/callback?state=s', { cookie: `hflogin_${server.port}=wrong` });
      await get(server.port, '/callback?state=s', { cookie: `hflogin_1=the-binding` });
      expect(bindings.slice(1)).toEqual(['unbound', 'unbound', 'unbound']);

      const genuine = get(server.port, '/callback?state=s', {
        cookie: `other=1; hflogin_${server.port}=the-binding`,
      });
      const accepted = await server.callback;
      await accepted.respond({ status: 200, html: successPage('en', 'alice-hf') });
      // Done with: the browser is told to forget the cookie.
      expect((await genuine).headers['set-cookie']).toEqual([
        `hflogin_${server.port}=; Path=/callback; HttpOnly; SameSite=Lax; Max-Age=0`,
      ]);
      expect(bindings.at(-1)).toBe('bound');
    } finally {
      await server.close();
    }
  });

  it('on port 80, expects the Host browsers send there: 127.0.0.1 without the port', async () => {
    expect(loopbackHost(80)).toBe('127.0.0.1');
    expect(loopbackHost(443)).toBe('127.0.0.1:443');
    expect(loopbackHost(8085)).toBe('127.0.0.1:8085');
    let server;
    try {
      server = await startCallbackServer({
        port: 80,
        start,
        filter: () => ({ take: false, page: { status: 400, html: failurePage('en', 'wrong state') } }),
      });
    } catch {
      return; // Port 80 is not ours to take here (unprivileged, or in use): loopbackHost above says it.
    }
    try {
      expect(server.redirectUri).toBe('http://127.0.0.1/callback');
      expect(server.startUrl).toBe('http://127.0.0.1/start/start-id');
      // Node's client, like a browser, leaves the default port out of Host.
      expect((await get(80, '/nothing')).status).toBe(404);
      expect((await get(80, '/nothing', { host: '127.0.0.1:80' })).status).toBe(400);
    } finally {
      await server.close();
    }
  });

  it('answers a request target URL cannot parse (//[) with 400 and keeps serving', async () => {
    const server = await startCallbackServer({ port: 0, start, filter: () => ({ take: true }) });
    try {
      for (const path of ['//[', '//[/callback?code=c&state=s', '/%', '//x:99999/']) {
        const answer = await get(server.port, path).catch(() => ({ status: 0 }));
        expectRefused(`loopback request target ${path}`, answer.status === 400 || answer.status === 404);
      }
      // Still up: the genuine callback is taken.
      const genuine = get(server.port, '/callback?code=c&state=s');
      await (await server.callback).respond({ status: 200, html: successPage('en', 'alice') });
      expect((await genuine).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('escapes provider text on the error page', () => {
    const html = failurePage('en', '<script>alert(1)</script> & "quotes"');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
  });
});

import { request } from 'node:http';

import { describe, expect, it } from 'vitest';

import { startCallbackServer } from '../../src/loopback/callbackServer.js';
import { errorPage, successPage } from '../../src/loopback/pages.js';

function get(port: number, path: string, options: { method?: string; host?: string } = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>(
    (resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: options.method ?? 'GET',
          headers: options.host ? { host: options.host } : {},
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
      filter: (params) =>
        params.get('state') === 'good'
          ? { take: true }
          : { take: false, page: { status: 400, html: errorPage('wrong state') } },
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
      await accepted.respond({ status: 200, html: successPage('alice-hf') });
      const response = await genuine;
      expect(response.status).toBe(200);
      expect(response.body).toContain('Signed in as <strong id="hflogin-account">alice-hf</strong>');
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
      expect(response.headers['cache-control']).toBe('no-store');
    } finally {
      await server.close();
    }
  });

  it('escapes provider text on the error page', () => {
    const html = errorPage('<script>alert(1)</script> & "quotes"');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
  });
});

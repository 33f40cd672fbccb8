import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { browseToCallback } from '../helpers/httpUserAgent.js';
import { isolatedProfile, runHflogin } from '../helpers/hfloginProcess.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

const requestsToSend = 3_000;

/** Sends raw bytes to the loopback and resolves with the status line's code ('none' if it never answers). */
function rawExchange(
  port: number,
  payload: string | Buffer,
  options: { slowMs?: number } = {},
): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = (result: string) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(3_000, () => done('none'));
    socket.on('error', () => done('reset'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (match) done(match[1]!);
    });
    socket.on('close', () =>
      done(answer ? (/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 'garbled') : 'closed'),
    );
    socket.on('connect', async () => {
      if (options.slowMs) {
        // Slowloris: a few bytes, then silence.
        socket.write(payload.slice(0, 10));
        await sleep(options.slowMs);
        done('slow');
        return;
      }
      socket.write(payload);
    });
  });
}

function pick<T>(values: readonly T[]): T {
  return values[Math.floor(Math.random() * values.length)]!;
}

/** One hostile request: random method, path, query, Host and headers; never the right state. */
function hostileRequest(port: number): { payload: string; slow: boolean } {
  const state = pick([
    '',
    'state=forged',
    `state=${randomBytes(32).toString('base64url')}`,
    'state=a&state=b',
    'state=',
  ]);
  const query = pick([
    '',
    `?${state}`,
    `?${state}&code=${randomBytes(8).toString('hex')}`,
    `?code=stolen&iss=${encodeURIComponent('http://127.0.0.1/oidc')}`,
    `?${state}&error=access_denied&error_description=${encodeURIComponent('<script>alert(1)</script>')}`,
    `?${'x'.repeat(20_000)}`,
    `?%zz%00${randomBytes(4).toString('hex')}`,
  ]);
  const path = pick([
    '/callback',
    '/callback',
    '/',
    '/callback/',
    '/../callback',
    '/%2e%2e/callback',
    '/favicon.ico',
    '*',
  ]);
  const method = pick([
    'GET',
    'GET',
    'GET',
    'POST',
    'PUT',
    'DELETE',
    'OPTIONS',
    'HEAD',
    'TRACE',
    'CONNECT',
    'BREW',
  ]);
  const host = pick([
    `127.0.0.1:${port}`,
    `127.0.0.1:${port}`,
    `localhost:${port}`,
    'evil.example',
    '',
    `127.0.0.1:${port}\r\nHost: evil.example`,
  ]);
  const extra = pick([
    '',
    `X-Big: ${'y'.repeat(16_000)}\r\n`,
    'Content-Length: 10\r\n',
    'Transfer-Encoding: chunked\r\n',
    `Cookie: ${'c'.repeat(500)}\r\n`,
  ]);
  const body = pick(['', 'a=b', '0\r\n\r\n', randomBytes(64).toString('latin1')]);
  const garbage = Math.random() < 0.03;
  const payload = garbage
    ? randomBytes(200).toString('latin1')
    : `${method} ${path}${query} HTTP/1.1\r\n${host ? `Host: ${host}\r\n` : ''}${extra}\r\n${body}`;
  return { payload, slow: Math.random() < 0.02 };
}

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/**
 * The loopback port is reachable by every local process and web page. While a login waits, it
 * gets thousands of hostile requests; it must not crash, must not grow without bound, must not
 * sign in; and then the genuine callback must still complete it.
 */
describe('callback server under fire', () => {
  const emulator = useEmulator();

  it('survives thousands of hostile requests, then completes the genuine sign-in', async () => {
    const isolated = isolatedProfile();
    const run = runHflogin(loginArgs(emulator, '--storage', 'file', '--timeout', '120'), isolated.env);
    const url = await run.signInUrl;
    const redirectUri = url.searchParams.get('redirect_uri')!;
    const port = Number(new URL(redirectUri).port);
    const pid = run.child.pid!;
    const rssBefore = rssKiB(pid);

    const statuses: Record<string, number> = {};
    for (let sent = 0; sent < requestsToSend; sent += 100) {
      const burst = Array.from({ length: 100 }, () => {
        const request = hostileRequest(port);
        return rawExchange(port, request.payload, request.slow ? { slowMs: 500 } : {});
      });
      for (const status of await Promise.all(burst)) statuses[status] = (statuses[status] ?? 0) + 1;
    }
    const rssAfter = rssKiB(pid);
    console.log(
      `[fuzz] ${requestsToSend} hostile requests: ${JSON.stringify(statuses)}; RSS ${Math.round(rssBefore / 1024)} → ${Math.round(rssAfter / 1024)} MiB`,
    );

    // Still waiting, signed in as nobody, with bounded memory.
    expect(run.child.exitCode).toBeNull();
    expect(statuses['200']).toBeUndefined();
    expect(existsSync(join(isolated.configDir, 'config.json'))).toBe(false);
    expect(rssAfter - rssBefore).toBeLessThan(100 * 1024);
    // Provider text never comes back unescaped.
    const reflected = await fetch(`${redirectUri}?state=x&error=%3Cscript%3E`);
    expect(await reflected.text()).not.toContain('<script>');

    // The genuine callback still completes the sign-in.
    expect((await fetch(await browseToCallback(url))).status).toBe(200);
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain('Signed in as alice-hf');
  }, 120_000);
});

import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { chromiumArgs } from '../helpers/chromium.js';
import { chromiumPath } from '../helpers/systemPieces.js';
import type { LogtoStack } from './stack.js';

/** The fake Hugging Face's fixed user alice-hf (its default). */
export const aliceSub = '64b1f0c2e5';

export interface FakeHfUser {
  sub: string;
  preferred_username: string;
  email: string;
}

/**
 * Picks who the fake Hugging Face signs in at its next /oauth/authorize (`new`: a brand-new user),
 * over HTTPS to huggingface.co at the stack's address, trusting only the stack's private CA.
 */
export function chooseHfUser(stack: LogtoStack, sub: string): Promise<FakeHfUser> {
  const separator = stack.hfAddress.lastIndexOf(':');
  const host = separator > 0 ? stack.hfAddress.slice(0, separator) : stack.hfAddress;
  const port = separator > 0 ? Number(stack.hfAddress.slice(separator + 1)) : 443;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        servername: 'huggingface.co',
        path: `/__fake/user?sub=${encodeURIComponent(sub)}`,
        headers: { host: 'huggingface.co' },
        ca: readFileSync(stack.caCert),
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          if (res.statusCode !== 200)
            return reject(new Error(`fake HF /__fake/user: ${res.statusCode} ${body}`));
          resolve((JSON.parse(body) as { user: FakeHfUser }).user);
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** What the fake Hugging Face saw since `since` (its request log, shared by every client of the stack). */
export function fakeHfRequests(
  stack: LogtoStack,
  since: Date,
): { at: string; endpoint: string; params?: Record<string, string> }[] {
  const file = join(stack.logs, 'fake-hf-requests.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { at: string; endpoint: string; params?: Record<string, string> })
    .filter((entry) => new Date(entry.at) >= since);
}

/**
 * Debian's Chromium as drive-browser.mjs launches it: huggingface.co mapped to the fake server,
 * every other name unresolvable, its private certificate accepted.
 */
export function launchLogtoChromium(stack: LogtoStack): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      ...chromiumArgs,
      '--disable-dev-shm-usage',
      '--ignore-certificate-errors',
      `--host-resolver-rules=MAP huggingface.co ${stack.hfAddress}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost`,
    ],
  });
}

/**
 * A browser on another machine: its requests to `redirectUri` (hflogin's loopback) never arrive.
 * Logto reaches the loopback with a redirect, which Playwright's page.route never sees (it routes
 * only the first request of a navigation), so this pauses it through the DevTools protocol's Fetch
 * domain, which does see redirects, and fails it as a refused connection. Gives the URL the
 * browser was sent to: what the person would copy from the address bar.
 */
export async function withholdLoopback(page: Page, redirectUri: string): Promise<() => Promise<URL>> {
  const cdp = await page.context().newCDPSession(page);
  let reached!: (url: URL) => void;
  const sent = new Promise<URL>((resolve) => (reached = resolve));
  cdp.on('Fetch.requestPaused', (event) => {
    reached(new URL(event.request.url));
    void cdp.send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'ConnectionRefused' });
  });
  await cdp.send('Fetch.enable', { patterns: [{ urlPattern: `${redirectUri}*`, requestStage: 'Request' }] });
  return () => sent;
}

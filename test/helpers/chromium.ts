import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

import { chromiumMissing, chromiumPath, requireSystemPiece } from './systemPieces.js';

/**
 * Debian's Chromium, headless. Playwright's own browser download does not work here, and Chromium's
 * background networking would only hit the closed network.
 */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Collection-time check: skips (or, in CI, fails) the file when Chromium is missing. */
export function chromiumAvailability(): { skip: boolean } {
  return requireSystemPiece('Chromium', chromiumMissing());
}

/** Playwright gives every launch a fresh temporary profile and removes it on close. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}

/**
 * Makes the browser's final redirect to the client's loopback URI observable without a listener:
 * the request is answered by the test and its URL resolved.
 */
export function captureRedirect(context: BrowserContext, redirectUriPrefix: string): Promise<URL> {
  return new Promise((resolve) => {
    void context.route(
      (url) => url.href.startsWith(redirectUriPrefix),
      async (route) => {
        resolve(new URL(route.request().url()));
        await route.fulfill({
          status: 200,
          contentType: 'text/plain',
          body: 'callback received by the test',
        });
      },
    );
  });
}

/** The paths of every document the page's main frame loads, to prove which pages were (not) shown. */
export function trackNavigations(page: Page): string[] {
  const visited: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) visited.push(new URL(frame.url()).pathname);
  });
  return visited;
}

/**
 * The one Chromium fixture: a browser for the file (launched before its tests, closed after), and
 * a fresh context (made with `contextOptions`, e.g. a locale) and page for each test. Read
 * `.page`/`.context`/`.visited` inside tests.
 */
export function useChromium(contextOptions?: BrowserContextOptions): {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  visited: string[];
} {
  const state = {} as { browser: Browser; context: BrowserContext; page: Page; visited: string[] };
  beforeAll(async () => {
    state.browser = await launchChromium();
  });
  afterAll(async () => {
    await state.browser?.close();
  });
  beforeEach(async () => {
    state.context = await state.browser.newContext(contextOptions);
    state.page = await state.context.newPage();
    state.visited = trackNavigations(state.page);
  });
  afterEach(async () => {
    await state.context?.close();
  });
  return state;
}

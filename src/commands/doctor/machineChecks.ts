import { accessSync, constants } from 'node:fs';
import { connect, createServer } from 'node:net';
import { delimiter, isAbsolute, join } from 'node:path';

import type { Settings } from '../../config/settings.js';
import { browserAvailability, type HostFacts } from '../../io/browserAvailability.js';
import { ErrorCode } from '../../io/errorCodes.js';
import type { HfloginError } from '../../io/errors.js';
import { isInteractive } from '../../io/terminalInput.js';
import type { CommandDeps } from '../deps.js';
import { failed, note, ok, skipped, type Check } from './checks.js';

/** The ways to sign in where no browser opens in front of the person. */
const waysWithoutBrowser =
  'Sign in anyway: open the URL hflogin prints in any browser and paste back the address it ends on, forward the port (ssh -L), or use hflogin login --device.';

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  const candidates = isAbsolute(command)
    ? [command]
    : (env.PATH ?? '').split(delimiter).map((dir) => join(dir, command));
  return candidates.some((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function tcpReachable(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve('timed out');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/**
 * The session's storage. A keychain that cannot be used is a note, not a failure, where `login`
 * would offer the 0600 file instead (at a terminal, the keychain not named for this run: see
 * commands/login/storageOffer.ts), since a sign-in can still succeed there; elsewhere it fails.
 */
export async function keychainCheck(settings: Settings, deps: CommandDeps): Promise<Check> {
  try {
    const store = await deps.openStore(settings.storage, settings.configDir);
    await store.check();
    return ok(
      'keychain',
      settings.storage === 'keychain' ? 'the OS keychain is usable' : 'file storage (a 0600 file)',
    );
  } catch (error) {
    const offered =
      (error as HfloginError).code === ErrorCode.storageUnavailable &&
      settings.storage === 'keychain' &&
      !deps.env.HFLOGIN_STORAGE &&
      isInteractive(deps.stdin, deps.stderr);
    if (offered)
      return note(
        'keychain',
        `${(error as Error).message} hflogin login will offer to keep this profile's session in a 0600 file instead.`,
        (error as HfloginError).hint ?? null,
      );
    return failed(
      'keychain',
      error instanceof Error ? error.message : String(error),
      (error as HfloginError).hint ?? 'Use --storage file.',
    );
  }
}

/**
 * The browser and the display. Neither ever stops a sign-in (paste-back, ssh -L and --device work
 * without them), so at worst they are notes; and the cause is said once: over SSH or in a container
 * the browser says why, and the display does not matter; without a display, the display says so.
 * A set $BROWSER is what hflogin runs, whatever the display.
 */
export function browserChecks(facts: HostFacts): Check[] {
  const env = facts.env;
  const hasDisplay =
    facts.platform !== 'linux' && facts.platform !== 'freebsd'
      ? `${facts.platform} desktop`
      : facts.isWsl
        ? 'WSL: the Windows desktop'
        : env.WAYLAND_DISPLAY
          ? `Wayland (${env.WAYLAND_DISPLAY})`
          : env.DISPLAY
            ? `X11 (${env.DISPLAY})`
            : undefined;
  if (env.BROWSER) {
    return [
      onPath(env.BROWSER, env)
        ? ok('browser', `$BROWSER (${env.BROWSER})`)
        : note(
            'browser',
            `$BROWSER (${env.BROWSER}) is not an executable on PATH: hflogin will print the URL for you to open`,
            'Point BROWSER at your browser, or unset it.',
          ),
      hasDisplay
        ? ok('display', hasDisplay)
        : skipped('display', 'hflogin runs $BROWSER, whatever the display'),
    ];
  }
  const availability = browserAvailability(facts);
  if (!availability.canOpen) {
    if (!hasDisplay && !facts.isContainer && !(env.SSH_CONNECTION || env.SSH_CLIENT || env.SSH_TTY)) {
      return [
        skipped('browser', 'none can open without a display (see display)'),
        note(
          'display',
          'no graphical display (DISPLAY and WAYLAND_DISPLAY are unset), so no browser opens here',
          `${waysWithoutBrowser} Or set BROWSER.`,
        ),
      ];
    }
    return [
      note('browser', `none will be opened: ${availability.reason}`, `${waysWithoutBrowser} Or set BROWSER.`),
      skipped('display', 'no browser is opened here, so the display does not matter (see browser)'),
    ];
  }
  const opener =
    facts.platform === 'darwin' ? 'open' : facts.platform === 'win32' ? 'powershell' : 'xdg-open';
  // On Linux the bundled copy of xdg-open (from the `open` package) stands in for a missing one.
  const found =
    facts.platform === 'win32' || facts.isWsl || onPath(opener, env) || facts.platform === 'linux';
  return [
    found
      ? ok('browser', `opened with ${opener}`)
      : note(
          'browser',
          `${opener} not found: hflogin will print the URL for you to open`,
          'Set BROWSER to your browser.',
        ),
    ok('display', hasDisplay ?? 'a display'),
  ];
}

/** The variable the proxy for `https` (or plain HTTP) came from, read the way proxySettings reads them. */
function proxyVariable(env: NodeJS.ProcessEnv, https: boolean): string {
  if (https) return env.https_proxy ? 'https_proxy' : 'HTTPS_PROXY';
  return env.http_proxy ? 'http_proxy' : 'HTTP_PROXY';
}

/** The proxy as an http(s) URL with a host, or undefined when it is not one (the agent refuses those). */
function parseProxy(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The proxy the tenant's requests go through. Its value is never printed: a proxy URL may carry a
 * password (`http://user:password@proxy:3128`), and one that does not parse may hold it anywhere;
 * only the host and port of a parsable one are shown. A broken proxy the tenant's requests go
 * through fails (and is the root cause the tenant checks then name); one NO_PROXY exempts the
 * tenant from is a note: the sign-in does not use it.
 */
export async function proxyCheck(
  endpoint: string | undefined,
  deps: CommandDeps,
): Promise<{ check: Check; blocksTenant: string | undefined }> {
  const env = deps.env;
  const target = endpoint ? new URL(endpoint) : new URL('https://tenant.logto.app');
  const https = target.protocol === 'https:';
  const proxy = https ? deps.http.proxy.httpsProxy : deps.http.proxy.httpProxy;
  if (!proxy) return { check: ok('proxy', 'no HTTPS_PROXY/HTTP_PROXY in effect'), blocksTenant: undefined };
  const variable = proxyVariable(env, https);
  const bypassed = deps.http.proxyFor(target) === undefined;
  const url = parseProxy(proxy);
  const unused = bypassed ? `; not used for ${target.host} (NO_PROXY)` : '';
  const broken = (detail: string, fix: string) => ({
    check: bypassed ? note('proxy', `${detail}${unused}`, fix) : failed('proxy', detail, fix),
    blocksTenant: bypassed
      ? undefined
      : `${target.host} is reached through the proxy, which is broken (see proxy)`,
  });
  if (!url) {
    return broken(
      `${variable} is not an http(s) URL with a host (its value is not shown: it may hold a password)`,
      `Set ${variable} to http://host:port (or http://user:password@host:port).`,
    );
  }
  const shown = `${url.host}${url.username || url.password ? ' (with credentials, not shown)' : ''}`;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const problem = await tcpReachable(url.hostname, port, 5_000);
  if (problem) {
    return broken(
      `${shown} (from ${variable}) is not reachable: ${problem}`,
      'Check the proxy address, or unset the variable (NO_PROXY lists hosts that bypass it).',
    );
  }
  const noProxy = env.NO_PROXY || env.no_proxy ? `; NO_PROXY=${env.NO_PROXY ?? env.no_proxy}` : '';
  return { check: ok('proxy', `${shown} reachable${unused}${noProxy}`), blocksTenant: undefined };
}

/** Whether a loopback port can be listened on; the port it got (for the redirect URI the app check uses). */
export function loopbackCheck(port: number): Promise<{ check: Check; port: number | undefined }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      resolve({
        check: failed(
          'loopback',
          `cannot listen on 127.0.0.1:${port || 'any port'} (${error.code ?? error.message})`,
          port
            ? 'Choose another --port, or leave it out.'
            : 'Something blocks loopback listening; use hflogin login --device.',
        ),
        port: port || undefined,
      }),
    );
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as { port: number }).port;
      server.close(() =>
        resolve({ check: ok('loopback', `can listen on 127.0.0.1:${bound} for the callback`), port: bound }),
      );
    });
  });
}

import { accessSync, constants } from 'node:fs';
import { createServer, connect } from 'node:net';
import { delimiter, isAbsolute, join } from 'node:path';

import { resolveSettings } from '../../config/settings.js';
import { browserAvailability, type HostFacts } from '../../io/browserAvailability.js';
import { paint } from '../../io/colour.js';
import { ExitCode, HfloginError, reportedInJson } from '../../io/errors.js';
import { styled, writeJson, writeLine } from '../../io/terminal.js';
import { issuerOf } from '../../logto/issuer.js';
import { fetchDiscovery } from '../../oauth/discovery.js';
import { clockToleranceSeconds } from '../../oauth/tolerance.js';
import type { CommandDeps } from '../deps.js';
import { ErrorCode } from '../../io/errorCodes.js';

export interface DoctorOptions {
  profile?: string;
  json?: boolean;
  color?: boolean;
  port?: number;
}

export interface Check {
  name: string;
  /** docs/schemas/doctor.schema.json: ok | failed (skipped and note are for checks that cannot run or only inform). */
  status: 'ok' | 'failed' | 'skipped' | 'note';
  ok: boolean;
  detail: string;
  fix: string | null;
}

const pass = (name: string, detail: string): Check => ({ name, status: 'ok', ok: true, detail, fix: null });
const fail = (name: string, detail: string, fix: string): Check => ({
  name,
  status: 'failed',
  ok: false,
  detail,
  fix,
});

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
 * Node accepts any certificate, for every TLS connection of the process, when
 * NODE_TLS_REJECT_UNAUTHORIZED is exactly "0": then no certificate is "trusted", whatever discovery
 * saw, and the TLS check fails (a machine-in-the-middle would pass unnoticed).
 */
function withTlsVerification(checks: Check[], env: NodeJS.ProcessEnv): Check[] {
  if (env.NODE_TLS_REJECT_UNAUTHORIZED !== '0') return checks;
  return checks.map((check) =>
    check.name !== 'tls'
      ? check
      : fail(
          'tls',
          'certificate verification is disabled (NODE_TLS_REJECT_UNAUTHORIZED=0): any certificate is accepted, so tokens can be intercepted',
          'Unset NODE_TLS_REJECT_UNAUTHORIZED; to trust a private or proxy CA, point NODE_EXTRA_CA_CERTS at its certificate (PEM).',
        ),
  );
}

/** The tenant: discovery (and with it TLS trust and the provider's clock). */
async function providerChecks(endpoint: string | undefined, deps: CommandDeps): Promise<Check[]> {
  if (!endpoint) {
    return [
      fail(
        'discovery',
        'no endpoint to check',
        'Set the tenant: hflogin config set endpoint https://tenant.logto.app',
      ),
      fail('clock', 'no provider to compare with', 'Set the tenant first.'),
      fail('tls', 'no endpoint to check', 'Set the tenant first.'),
    ];
  }
  const issuer = issuerOf(endpoint);
  const host = issuer.host;
  const https = issuer.protocol === 'https:';
  try {
    const answer = await fetchDiscovery(endpoint, deps, deps.signal);
    const { startedAt: started, elapsedMs: elapsed, date, failure: wrong } = answer;
    const checks: Check[] = [];
    if (wrong) {
      checks.push(fail('discovery', wrong.message, wrong.hint ?? `Check that ${endpoint} is right.`));
    } else {
      checks.push(pass('discovery', `${issuer.href} answered in ${elapsed} ms`));
    }
    if (date === undefined) {
      checks.push(pass('clock', 'the provider sent no Date header to compare with'));
    } else {
      // The Date header has one-second resolution, and the answer took `elapsed` to arrive.
      const skew = Math.round((date - (started + elapsed / 2)) / 1000);
      checks.push(
        Math.abs(skew) <= clockToleranceSeconds
          ? pass('clock', `within ${Math.max(1, Math.abs(skew))} s of ${host}`)
          : fail(
              'clock',
              `${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead of'} ${host}`,
              "Synchronise this machine's clock (e.g. enable NTP): tokens will look expired or not yet valid.",
            ),
      );
    }
    checks.push(
      pass(
        'tls',
        https ? `the certificate of ${host} is trusted` : `plain HTTP to ${host} (allowed on loopback only)`,
      ),
    );
    return checks;
  } catch (error) {
    if (!(error instanceof HfloginError)) throw error;
    const failure = error;
    const tlsFailure = failure.code === ErrorCode.tlsUntrusted;
    return [
      fail('discovery', failure.message, failure.hint ?? `Check that ${endpoint} is right and reachable.`),
      fail('clock', `could not reach ${host} to compare clocks`, 'Fix discovery first.'),
      tlsFailure
        ? fail('tls', failure.message, failure.hint ?? 'Trust the CA with NODE_EXTRA_CA_CERTS.')
        : https
          ? fail('tls', `could not reach ${host} to check its certificate`, 'Fix discovery first.')
          : pass('tls', `plain HTTP to ${host} (allowed on loopback only)`),
    ];
  }
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
 * only the host and port of a parsable one are shown.
 */
async function proxyCheck(endpoint: string | undefined, deps: CommandDeps): Promise<Check> {
  const env = deps.env;
  const target = endpoint ? new URL(endpoint) : new URL('https://tenant.logto.app');
  const https = target.protocol === 'https:';
  // The proxy configured for the tenant's scheme is checked even when NO_PROXY exempts this
  // tenant: a dead proxy in the environment is worth knowing about, and the detail says it is unused.
  const proxy = https ? deps.http.proxy.httpsProxy : deps.http.proxy.httpProxy;
  if (!proxy) return pass('proxy', 'no HTTPS_PROXY/HTTP_PROXY in effect');
  const variable = proxyVariable(env, https);
  const bypassed = deps.http.proxyFor(target) === undefined;
  const url = parseProxy(proxy);
  if (!url) {
    return fail(
      'proxy',
      `${variable} is not an http(s) URL with a host (its value is not shown: it may hold a password)`,
      `Set ${variable} to http://host:port (or http://user:password@host:port).`,
    );
  }
  const shown = `${url.host}${url.username || url.password ? ' (with credentials, not shown)' : ''}`;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const problem = await tcpReachable(url.hostname, port, 5_000);
  return problem
    ? fail(
        'proxy',
        `${shown} (from ${variable}) is not reachable: ${problem}`,
        'Check the proxy address, or unset the variable (NO_PROXY lists hosts that bypass it).',
      )
    : pass(
        'proxy',
        `${shown} reachable${bypassed ? `; not used for ${target.host} (NO_PROXY)` : ''}${env.NO_PROXY || env.no_proxy ? `; NO_PROXY=${env.NO_PROXY ?? env.no_proxy}` : ''}`,
      );
}

function browserChecks(facts: HostFacts): Check[] {
  const env = facts.env;
  const display =
    facts.platform !== 'linux' && facts.platform !== 'freebsd'
      ? pass('display', `${facts.platform} desktop`)
      : facts.isWsl
        ? pass('display', 'WSL: the Windows desktop')
        : env.DISPLAY || env.WAYLAND_DISPLAY
          ? pass('display', env.WAYLAND_DISPLAY ? `Wayland (${env.WAYLAND_DISPLAY})` : `X11 (${env.DISPLAY})`)
          : fail(
              'display',
              'no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)',
              'Sign in from another machine: paste back the address, ssh -L the port, or hflogin login --device.',
            );
  if (env.BROWSER) {
    return [
      onPath(env.BROWSER, env)
        ? pass('browser', `$BROWSER (${env.BROWSER})`)
        : fail(
            'browser',
            `$BROWSER (${env.BROWSER}) is not an executable on PATH`,
            'Point BROWSER at your browser, or unset it.',
          ),
      display,
    ];
  }
  const availability = browserAvailability(facts);
  if (!availability.canOpen) {
    return [
      fail(
        'browser',
        `none will be opened: ${availability.reason}`,
        'Use paste-back, ssh -L, or hflogin login --device; or set BROWSER.',
      ),
      display,
    ];
  }
  const opener =
    facts.platform === 'darwin' ? 'open' : facts.platform === 'win32' ? 'powershell' : 'xdg-open';
  // On Linux the bundled copy of xdg-open (from the `open` package) stands in for a missing one.
  const found =
    facts.platform === 'win32' || facts.isWsl || onPath(opener, env) || facts.platform === 'linux';
  return [
    found
      ? pass('browser', `opened with ${opener}`)
      : fail('browser', `${opener} not found`, 'Set BROWSER to your browser.'),
    display,
  ];
}

function loopbackCheck(port: number): Promise<Check> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      resolve(
        fail(
          'loopback',
          `cannot listen on 127.0.0.1:${port || 'any port'} (${error.code ?? error.message})`,
          port
            ? 'Choose another --port, or leave it out.'
            : 'Something blocks loopback listening; use hflogin login --device.',
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as { port: number }).port;
      server.close(() => resolve(pass('loopback', `can listen on 127.0.0.1:${bound} for the callback`)));
    });
  });
}

/** `hflogin doctor`: one line per check, ✓ or ✗ with the fix; exit 0 only when all pass. */
export async function runDoctor(options: DoctorOptions, deps: CommandDeps): Promise<void> {
  const settings = await resolveSettings({ profile: options.profile }, deps.env);
  const tenant =
    settings.endpoint && settings.appId
      ? pass('tenant', `${settings.endpoint}, app ${settings.appId} (profile "${settings.profile}")`)
      : fail(
          'tenant',
          `profile "${settings.profile}" has ${settings.endpoint ? 'no app ID' : 'no endpoint'}`,
          'Run hflogin config init, or hflogin config set endpoint <url> and hflogin config set app-id <id>.',
        );
  let keychain: Check;
  try {
    const store = await deps.openStore(settings.storage, settings.configDir);
    await store.check();
    keychain = pass(
      'keychain',
      settings.storage === 'keychain' ? 'the OS keychain is usable' : 'file storage (--storage file)',
    );
  } catch (error) {
    keychain = fail(
      'keychain',
      error instanceof Error ? error.message : String(error),
      (error as HfloginError).hint ?? 'Use --storage file.',
    );
  }
  const checks: Check[] = [
    tenant,
    ...withTlsVerification(await providerChecks(settings.endpoint, deps), deps.env),
    keychain,
    ...browserChecks(deps.hostFacts()),
    await proxyCheck(settings.endpoint, deps),
    await loopbackCheck(options.port ?? 0),
  ];
  const ok = checks.every((check) => check.ok);

  if (options.json) {
    writeJson(deps.stdout, { schemaVersion: 1, ok, checks });
  } else {
    const colour = paint(deps.stdout, deps.env, options.color);
    const width = Math.max(...checks.map((check) => check.name.length));
    for (const check of checks) {
      const mark = check.ok ? colour.green('✓') : colour.red('✗');
      writeLine(deps.stdout, styled`${mark} ${check.name.padEnd(width)}  ${check.detail}`);
      if (check.fix)
        writeLine(deps.stdout, styled`  ${' '.repeat(width)}  ${colour.dim(`fix: ${check.fix}`)}`);
    }
  }
  if (!ok) {
    const failed = new HfloginError(
      `${checks.filter((check) => !check.ok).length} of ${checks.length} checks failed.`,
      {
        code: ErrorCode.doctorFailed,
        exitCode: ExitCode.failed,
        hint: 'Each failed check above says how to fix it.',
      },
    );
    // With --json the report above is the one document: `ok: false` and each check say it.
    throw options.json ? reportedInJson(failed) : failed;
  }
}

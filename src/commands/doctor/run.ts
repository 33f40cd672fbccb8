import { resolveSettings } from '../../config/settings.js';
import { paint } from '../../io/colour.js';
import { ExitCode, HfloginError, reportedInJson } from '../../io/errors.js';
import { ErrorCode } from '../../io/errorCodes.js';
import { styled, writeJson, writeLine, type Styled } from '../../io/terminal.js';
import type { CommandDeps } from '../deps.js';
import { failed, type Check, type CheckStatus } from './checks.js';
import { browserChecks, keychainCheck, loopbackCheck, proxyCheck } from './machineChecks.js';
import { appCheck, connectorCheck, deviceAppCheck, providerChecks, tenantCheck } from './tenantChecks.js';

export type { Check, CheckStatus };

export interface DoctorOptions {
  profile?: string;
  json?: boolean;
  color?: boolean;
  port?: number;
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
      : failed(
          'tls',
          'certificate verification is disabled (NODE_TLS_REJECT_UNAUTHORIZED=0): any certificate is accepted, so tokens can be intercepted',
          'Unset NODE_TLS_REJECT_UNAUTHORIZED; to trust a private or proxy CA, point NODE_EXTRA_CA_CERTS at its certificate (PEM).',
        ),
  );
}

/**
 * Every check, in the order they are shown. The machine's proxy and loopback are looked at first:
 * a broken proxy in the tenant's way is the cause the tenant checks then name (skipped, not failed
 * again), and the loopback's port is the one the app check's redirect URI uses.
 */
async function allChecks(options: DoctorOptions, deps: CommandDeps): Promise<Check[]> {
  const settings = await resolveSettings({ profile: options.profile }, deps.env);
  const [proxy, loopback] = await Promise.all([
    proxyCheck(settings.endpoint, deps),
    loopbackCheck(options.port ?? 0),
  ]);
  const provider = await providerChecks(settings.endpoint, proxy.blocksTenant, deps);
  const [app, deviceApp, connector, keychain] = await Promise.all([
    appCheck(settings, provider.discovered, loopback.port, deps),
    deviceAppCheck(settings, provider.discovered, deps),
    connectorCheck(settings, provider.discovered, deps),
    keychainCheck(settings, deps),
  ]);
  return [
    tenantCheck(settings),
    ...withTlsVerification(provider.checks, deps.env),
    app,
    deviceApp,
    connector,
    keychain,
    ...browserChecks(deps.hostFacts()),
    proxy.check,
    loopback.check,
  ];
}

/**
 * `hflogin doctor`: one line per check — ✓ ok, ✗ failed (with the fix), ! a note, – skipped (with
 * why). Exit 0 whenever a sign-in can succeed, i.e. no check failed; notes and skips do not count.
 */
export async function runDoctor(options: DoctorOptions, deps: CommandDeps): Promise<void> {
  const checks = await allChecks(options, deps);
  const ok = checks.every((check) => check.status !== 'failed');

  if (options.json) {
    // Each check keeps its first version's `ok` (false only when it failed) beside `status`: JSON
    // fields are only ever added.
    writeJson(deps.stdout, {
      schemaVersion: 1,
      ok,
      checks: checks.map((check) => ({ ...check, ok: check.status !== 'failed' })),
    });
  } else {
    const colour = paint(deps.stdout, deps.env, options.color);
    const marks: Record<CheckStatus, Styled> = {
      ok: colour.green('✓'),
      failed: colour.red('✗'),
      note: colour.bold('!'),
      skipped: colour.dim('–'),
    };
    const width = Math.max(...checks.map((check) => check.name.length));
    for (const check of checks) {
      const detail = check.status === 'skipped' ? colour.dim(`skipped: ${check.detail}`) : check.detail;
      writeLine(deps.stdout, styled`${marks[check.status]} ${check.name.padEnd(width)}  ${detail}`);
      if (check.fix)
        writeLine(deps.stdout, styled`  ${' '.repeat(width)}  ${colour.dim(`fix: ${check.fix}`)}`);
    }
  }
  if (!ok) {
    const count = checks.filter((check) => check.status === 'failed').length;
    const failure = new HfloginError(`${count} of ${checks.length} checks failed.`, {
      code: ErrorCode.doctorFailed,
      exitCode: ExitCode.failed,
      hint: 'Each failed check above says how to fix it.',
    });
    // With --json the report above is the one document: `ok: false` and each check say it.
    throw options.json ? reportedInJson(failure) : failure;
  }
}

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { requireSystemPiece } from '../helpers/systemPieces.js';

/** What scripts/test-logto.mjs started: start.sh's JSON line, plus where the stack lives. */
export interface LogtoStack {
  endpoint: string;
  appId: string;
  deviceAppId: string;
  resource: string;
  resourceScope: string;
  organizationId: string;
  connectorId: string;
  adminEndpoint: string;
  logtoCommit: string;
  /** Where the fake Hugging Face listens (huggingface.co is mapped there). */
  hfAddress: string;
  /** The private CA that signed the fake huggingface.co certificate. */
  caCert: string;
  logs: string;
  /** The stack's directory (setup.sh/start.sh BASE). */
  base: string;
  /** The directory with the real-Logto scripts (drive-browser.mjs, provision.mjs…). */
  scripts: string;
}

/**
 * The running real-Logto stack, from $HFLOGIN_LOGTO_STACK (written by `npm run test:logto`).
 * Without it the file skips with the reason, or fails under HFLOGIN_TEST_STRICT=1.
 */
export function logtoStack(): { skip: boolean; stack: LogtoStack } {
  const file = process.env.HFLOGIN_LOGTO_STACK;
  let stack: LogtoStack | undefined;
  let reason: string | undefined;
  if (!file) reason = 'HFLOGIN_LOGTO_STACK is not set (run npm run test:logto, which starts the stack)';
  else {
    try {
      stack = JSON.parse(readFileSync(file, 'utf8')) as LogtoStack;
    } catch (error) {
      reason = `cannot read ${file}: ${(error as Error).message}`;
    }
  }
  const { skip } = requireSystemPiece('real Logto stack', reason);
  return { skip, stack: stack ?? ({} as LogtoStack) };
}

/** Runs SQL against Logto's own PostgreSQL (127.0.0.1:54329), returning psql's unaligned rows. */
export function logtoSql(stack: LogtoStack, sql: string): string[] {
  const password = readFileSync(join(stack.base, 'state', 'pg-password'), 'utf8').trim();
  const result = spawnSync(
    'psql',
    [
      '-h',
      '127.0.0.1',
      '-p',
      process.env.PG_PORT ?? '54329',
      '-U',
      'postgres',
      '-d',
      'logto',
      '-tA',
      '-c',
      sql,
    ],
    { encoding: 'utf8', env: { ...process.env, PGPASSWORD: password } },
  );
  if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
  return result.stdout.split('\n').filter(Boolean);
}

/**
 * How many entries Logto's audit log (table `logs`) has with this key and result since `since`,
 * for one application: what really reached Logto, whatever the client says.
 */
export function auditCount(
  stack: LogtoStack,
  query: {
    key: string;
    since: Date;
    applicationId: string;
    /** One Logto user's entries only: what a test's own user did, whatever else runs meanwhile. */
    userId?: string;
    result?: 'Success' | 'Error';
  },
): number {
  const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
  const conditions = [
    `key = ${literal(query.key)}`,
    `created_at >= ${literal(query.since.toISOString())}`,
    `payload->>'applicationId' = ${literal(query.applicationId)}`,
    ...(query.userId ? [`payload->>'userId' = ${literal(query.userId)}`] : []),
    ...(query.result ? [`payload->>'result' = ${literal(query.result)}`] : []),
  ];
  const [count] = logtoSql(stack, `select count(*) from logs where ${conditions.join(' and ')}`);
  return Number(count);
}

/** A refresh token presented to Logto's token endpoint as the stack's Native app: its status and error. */
export async function presentRefreshToken(
  stack: LogtoStack,
  refreshToken: string,
): Promise<{ status: number; body: { error?: string } }> {
  const answer = await fetch(`${stack.endpoint}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: stack.appId,
      refresh_token: refreshToken,
    }),
  });
  return { status: answer.status, body: (await answer.json()) as { error?: string } };
}

/** Logto's Management API through the stack's provisioning tool (its M2M app). */
export function managementApi(stack: LogtoStack, method: string, path: string, body?: unknown): unknown {
  const result = spawnSync(
    process.execPath,
    [
      join(stack.scripts, 'provision.mjs'),
      'api',
      '--state',
      join(stack.base, 'state', 'provision.json'),
      method,
      path,
      ...(body === undefined ? [] : [JSON.stringify(body)]),
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`Management API ${method} ${path} failed: ${result.stderr}`);
  return result.stdout.trim() ? JSON.parse(result.stdout) : undefined;
}

/**
 * The environment that makes the stack's headless Chromium ($BROWSER = drive-browser.mjs, one of
 * the stack's tools) the person who signs in: it follows Logto → fake Hugging Face → back.
 */
export function browserEnv(stack: LogtoStack, log: string): NodeJS.ProcessEnv {
  return {
    BROWSER: join(stack.scripts, 'drive-browser.mjs'),
    DRIVE_BROWSER_MODULES: join(import.meta.dirname, '..', '..'),
    DRIVE_BROWSER_LOG: log,
    HF_ADDRESS: stack.hfAddress,
  };
}

import type { Writable } from 'node:stream';

import * as oauth from 'oauth4webapi';

import type { DebugLog } from '../io/debug.js';
import { ExitCode, HfloginError } from '../io/errors.js';
import { terminalQrCode } from '../io/qrCode.js';
import { duration } from '../io/relativeTime.js';
import { writeLine } from '../io/terminal.js';
import { appCheckFailure } from '../logto/appCheck.js';
import { logtoAuthorizationParameters, type SignInChoices } from '../logto/authorizationParameters.js';
import { codeExpired, pollDeviceToken, requestDeviceCode, type PollDeadline } from '../oauth/deviceFlow.js';
import { protocolError } from '../oauth/errors.js';
import type { ProviderContext } from '../oauth/provider.js';
import type { EmitLoginEvent } from './loginEvents.js';
import type { SignInResult } from './signInResult.js';
import { ErrorCode } from '../io/errorCodes.js';

export interface DeviceSignInOptions {
  /** Aborted on Ctrl+C (exit 130), or when another way of signing in has won. */
  signal: AbortSignal;
  /** --timeout: the wait ends then, or when the code expires if that comes first. */
  timeoutSeconds: number;
  emit?: EmitLoginEvent;
  debug?: DebugLog;
}

/**
 * The device flow (RFC 8628) with the tenant's device-flow app: shows where to go and the code (and
 * a QR code of the complete URL), then polls until the person approves on any device, or until
 * the deadline: --timeout or the code's expiry, whichever comes first.
 */
export async function deviceSignIn(
  provider: ProviderContext,
  choices: SignInChoices,
  io: { stderr: Writable },
  options: DeviceSignInOptions,
): Promise<oauth.TokenEndpointResponse> {
  const emit = options.emit ?? (() => {});
  const timeoutAt = provider.now() + options.timeoutSeconds * 1000;
  const device = await requestDeviceCode(
    provider,
    logtoAuthorizationParameters(choices),
    options.signal,
  ).catch((error: unknown) => {
    throw appRefusal(error, provider) ?? error;
  });
  const deadline = deviceDeadline(timeoutAt, provider.now() + device.expires_in * 1000, provider.now());
  const url = device.verification_uri_complete ?? device.verification_uri;
  emit({
    event: 'device',
    verificationUri: device.verification_uri,
    verificationUriComplete: device.verification_uri_complete ?? null,
    userCode: device.user_code,
    expiresIn: device.expires_in,
  });
  emit({ event: 'waiting', for: 'device', timeoutSeconds: deadline.seconds });
  writeLine(io.stderr, `To sign in to ${provider.host}, open this page on any device and confirm the code:`);
  writeLine(io.stderr, `  ${url}`);
  writeLine(io.stderr, `  Code: ${device.user_code}`);
  writeLine(io.stderr, terminalQrCode(url));
  const limit = deadline.byExpiry
    ? `the code expires in ${duration(deadline.seconds)}`
    : `times out in ${duration(deadline.seconds)}`;
  writeLine(io.stderr, `Waiting for approval (${limit}; Ctrl+C to cancel)…`);
  return pollDeviceToken(provider, device, {
    signal: options.signal,
    deadline: deadline.poll,
    debug: options.debug,
    onSlowDown: (interval) =>
      writeLine(io.stderr, `The provider asked hflogin to poll less often: every ${interval} s now.`),
  });
}

/**
 * Logto refusing the device-flow app itself (unknown, or not of the device-flow kind) gets the same
 * error and fix as the check before a sign-in (logto/appCheck.ts): it reaches here when the person
 * switches to a device code during a browser sign-in.
 */
function appRefusal(error: unknown, provider: ProviderContext): HfloginError | undefined {
  if (!(error instanceof HfloginError)) return undefined;
  const app = { host: provider.host, clientId: String(provider.client.client_id), kind: 'device' as const };
  if (error.code === 'invalid_client') return appCheckFailure({ verdict: 'unknown-app' }, app);
  if (error.code === 'invalid_request' && /not allowed for this client/.test(error.message))
    return appCheckFailure({ verdict: 'not-device-app' }, app);
  return undefined;
}

/** The wait ends at --timeout or when the code expires, whichever comes first. */
function deviceDeadline(
  timeoutAt: number,
  expiresAt: number,
  now: number,
): { seconds: number; byExpiry: boolean; poll: PollDeadline } {
  const byExpiry = expiresAt <= timeoutAt;
  const at = Math.min(timeoutAt, expiresAt);
  const seconds = Math.max(0, Math.round((at - now) / 1000));
  const reached = byExpiry
    ? codeExpired
    : () =>
        new HfloginError(`Timed out after ${seconds} s waiting for the device sign-in.`, {
          code: ErrorCode.timedOut,
          exitCode: ExitCode.timedOut,
          hint: 'Run hflogin login --device again (a longer wait: --timeout <seconds>).',
        });
  return { seconds, byExpiry, poll: { at, reached } };
}

/** Device-flow tokens as a sign-in result: there is no browser waiting on a loopback to answer. */
export function deviceResult(provider: ProviderContext, tokens: oauth.TokenEndpointResponse): SignInResult {
  const subject = oauth.getValidatedIdTokenClaims(tokens)?.sub;
  if (!subject)
    throw protocolError(new Error('no ID token was returned'), 'The device sign-in', provider.host);
  return { tokens, provider, subject, finish: async () => undefined };
}

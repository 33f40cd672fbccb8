import { setTimeout as sleep } from 'node:timers/promises';

import * as oauth from 'oauth4webapi';

import type { DebugLog } from '../io/debug.js';
import { ExitCode, HfloginError } from '../io/errors.js';
import { interrupted } from '../io/wait.js';
import { protocolError, protocolStep } from './errors.js';
import { publicClient, type ProviderContext } from './provider.js';
import { checkVerificationUris } from './providerUrls.js';
import { requireBearer } from './tokenType.js';
import { ErrorCode } from '../io/errorCodes.js';

export type DeviceAuthorization = oauth.DeviceAuthorizationResponse;

/**
 * Device authorization (RFC 8628 §3.1) for Logto's device-flow app. Logto passes the extra
 * parameters (direct_sign_in, resource, ui_locales…) on to its sign-in experience as for the
 * browser flow; `resource` may repeat. The verification URIs are checked here, before anything can
 * show them (oauth/providerUrls.ts: https, on the issuer's origin).
 */
export const requestDeviceCode = (
  provider: ProviderContext,
  parameters: URLSearchParams,
  signal?: AbortSignal,
) =>
  protocolStep('Starting the device sign-in', provider.host, async (): Promise<DeviceAuthorization> => {
    const request = provider.request(provider.as.device_authorization_endpoint, signal);
    const response = await oauth.deviceAuthorizationRequest(...publicClient(provider), parameters, request);
    const device = await oauth.processDeviceAuthorizationResponse(provider.as, provider.client, response);
    checkVerificationUris(provider.endpoint, device);
    return device;
  });

/** The provider's expired_token, or the code's expires_in reached here first: exit 124. */
export function codeExpired(): HfloginError {
  return new HfloginError('The device code expired before the sign-in was approved.', {
    code: ErrorCode.expiredToken,
    exitCode: ExitCode.timedOut,
    hint: 'Run hflogin login --device again and approve within the time shown.',
  });
}

export interface PollDeadline {
  /** When polling ends (ms since the epoch): no poll is sent at or after it. */
  at: number;
  /** What the sign-in ends with then (exit 124, naming the limit that was reached). */
  reached: () => HfloginError;
}

export interface PollOptions {
  /** Aborted on Ctrl+C, or when another way of signing in has won. */
  signal: AbortSignal;
  deadline: PollDeadline;
  /** Called after each `slow_down`, with the new interval in seconds. */
  onSlowDown?: (intervalSeconds: number) => void;
  debug?: DebugLog;
}

/** The longest wait between polls while the provider is failing. */
const maxRetrySeconds = 30;
/** A poll sent closer than this to the deadline would mostly be answered after it, so is not sent. */
const lastPollMarginMs = 250;

/**
 * Polls the token endpoint until the person approves (RFC 8628 §3.4–3.5): every `interval` seconds
 * (5 when the provider does not say, as Logto does not), 5 s more after each `slow_down`;
 * `expired_token` is exit 124, `access_denied` exit 1; at the deadline, or when `signal` aborts,
 * polling stops at once. A failing provider (HTTP 5xx, network trouble) is asked again, backing off,
 * until the deadline: the code on the person's other device is still good, and a sign-in there
 * should not be lost to one bad answer.
 */
export async function pollDeviceToken(
  provider: ProviderContext,
  device: DeviceAuthorization,
  options: PollOptions,
): Promise<oauth.TokenEndpointResponse> {
  const { deadline } = options;
  // Aborting at the deadline also ends a poll in flight, so nothing is sent or awaited after it.
  const expiry = new AbortController();
  const timer = setTimeout(() => expiry.abort(deadline.reached()), Math.max(0, deadline.at - provider.now()));
  const signal = AbortSignal.any([options.signal, expiry.signal]);
  const stopped = () => (signal.reason instanceof HfloginError ? signal.reason : interrupted());
  let interval = device.interval ?? 5;
  let failures = 0;
  let wait = interval;
  try {
    for (;;) {
      const left = deadline.at - provider.now();
      if (left - wait * 1000 < lastPollMarginMs) {
        // No time for another wait and a poll: wait out the deadline without polling.
        await pause(left, signal, stopped);
        throw deadline.reached();
      }
      await pause(wait * 1000, signal, stopped);
      try {
        const response = await oauth.deviceCodeGrantRequest(
          ...publicClient(provider),
          device.device_code,
          provider.request(provider.as.token_endpoint, signal),
        );
        // Bearer only (oauth/tokenType.ts); a refusal is an HfloginError, so it is final.
        await requireBearer(response, 'The device sign-in', provider.host);
        const tokens = await oauth.processDeviceCodeResponse(provider.as, provider.client, response);
        // Outside the retries: the code is spent once tokens are issued, so a failure here is final.
        if (tokens.id_token) await verifySignature(provider, response, signal, stopped);
        return tokens;
      } catch (error) {
        if (error instanceof HfloginError) throw error;
        if (signal.aborted) throw stopped();
        if (error instanceof oauth.ResponseBodyError) {
          if (error.error === 'authorization_pending') {
            failures = 0;
            wait = interval;
            continue;
          }
          if (error.error === 'slow_down') {
            failures = 0;
            interval += 5;
            wait = interval;
            options.onSlowDown?.(interval);
            continue;
          }
          if (error.error === 'expired_token') throw codeExpired();
          if (error.error === 'access_denied') {
            throw new HfloginError('The sign-in was denied on the device page.', {
              code: ErrorCode.accessDenied,
              exitCode: ExitCode.failed,
              hint: 'Nothing was saved. Run hflogin login --device again and approve on the device page if you meant to sign in.',
            });
          }
        }
        const failure = protocolError(error, 'The device sign-in', provider.host);
        if (!isTransient(failure)) throw failure;
        failures += 1;
        // The interval first, then doubling, at most 30 s (or the interval, if that is longer).
        wait = Math.max(interval, Math.min(interval * 2 ** (failures - 1), maxRetrySeconds));
        options.debug?.(`${failure.message} Polling again in ${wait} s (retry ${failures}).`);
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

async function verifySignature(
  provider: ProviderContext,
  response: Response,
  signal: AbortSignal,
  stopped: () => HfloginError,
): Promise<void> {
  try {
    await oauth.validateApplicationLevelSignature(
      provider.as,
      response,
      provider.request(provider.as.jwks_uri, signal),
    );
  } catch (error) {
    if (signal.aborted) throw stopped();
    throw protocolError(error, 'The device sign-in', provider.host);
  }
}

/**
 * What protocolError calls exit 5 (HTTP 5xx, unreachable, no answer in time) may pass, so it is
 * worth asking again; an untrusted TLS certificate will not, so it ends the sign-in like a refusal.
 */
function isTransient(failure: HfloginError): boolean {
  return failure.exitCode === ExitCode.network && failure.code !== ErrorCode.tlsUntrusted;
}

async function pause(ms: number, signal: AbortSignal, stopped: () => HfloginError): Promise<void> {
  try {
    await sleep(Math.max(0, ms), undefined, { signal });
  } catch {
    throw stopped();
  }
}

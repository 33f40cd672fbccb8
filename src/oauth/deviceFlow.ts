import { setTimeout as sleep } from 'node:timers/promises';

import * as oauth from 'oauth4webapi';

import { ExitCode, HfloginError } from '../io/errors.js';
import { interrupted } from '../io/wait.js';
import { protocolError } from './errors.js';
import type { ProviderContext } from './provider.js';

export type DeviceAuthorization = oauth.DeviceAuthorizationResponse;

/**
 * Device authorization (RFC 8628 §3.1) for Logto's device-flow app. Logto passes the extra
 * parameters (direct_sign_in, resource, ui_locales…) on to its sign-in experience as for the
 * browser flow; `resource` may repeat.
 */
export async function requestDeviceCode(
  provider: ProviderContext,
  parameters: URLSearchParams,
  signal?: AbortSignal,
): Promise<DeviceAuthorization> {
  try {
    const response = await oauth.deviceAuthorizationRequest(
      provider.as,
      provider.client,
      oauth.None(),
      parameters,
      provider.request(signal),
    );
    return await oauth.processDeviceAuthorizationResponse(provider.as, provider.client, response);
  } catch (error) {
    throw protocolError(error, 'Starting the device sign-in', provider.host);
  }
}

export interface PollOptions {
  signal: AbortSignal;
  /** Called after each `slow_down`, with the new interval in seconds. */
  onSlowDown?: (intervalSeconds: number) => void;
}

/**
 * Polls the token endpoint until the person approves (RFC 8628 §3.4–3.5): every `interval` seconds
 * (5 when the provider does not say, as Logto does not), 5 s more after each `slow_down`;
 * `expired_token` is exit 124, `access_denied` exit 1.
 */
export async function pollDeviceToken(
  provider: ProviderContext,
  device: DeviceAuthorization,
  options: PollOptions,
): Promise<oauth.TokenEndpointResponse> {
  let interval = device.interval ?? 5;
  for (;;) {
    try {
      await sleep(interval * 1000, undefined, { signal: options.signal });
    } catch {
      throw interrupted();
    }
    try {
      const response = await oauth.deviceCodeGrantRequest(
        provider.as,
        provider.client,
        oauth.None(),
        device.device_code,
        provider.request(options.signal),
      );
      const tokens = await oauth.processDeviceCodeResponse(provider.as, provider.client, response);
      if (tokens.id_token)
        await oauth.validateApplicationLevelSignature(
          provider.as,
          response,
          provider.request(options.signal),
        );
      return tokens;
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError) {
        if (error.error === 'authorization_pending') continue;
        if (error.error === 'slow_down') {
          interval += 5;
          options.onSlowDown?.(interval);
          continue;
        }
        if (error.error === 'expired_token') {
          throw new HfloginError('The device code expired before the sign-in was approved.', {
            code: 'expired_token',
            exitCode: ExitCode.timedOut,
            hint: 'Run hflogin login --device again and approve within the time shown.',
          });
        }
        if (error.error === 'access_denied') {
          throw new HfloginError('The sign-in was denied on the device page.', {
            code: 'access_denied',
            exitCode: ExitCode.failed,
          });
        }
      }
      throw protocolError(error, 'The device sign-in', provider.host);
    }
  }
}

import type { Writable } from 'node:stream';

import * as oauth from 'oauth4webapi';

import { writeLine } from '../io/terminal.js';
import { terminalQrCode } from '../io/qrCode.js';
import { logtoAuthorizationParameters, type SignInChoices } from '../logto/authorizationParameters.js';
import { pollDeviceToken, requestDeviceCode } from '../oauth/deviceFlow.js';
import { protocolError } from '../oauth/errors.js';
import type { ProviderContext } from '../oauth/provider.js';
import type { EmitLoginEvent } from './loginEvents.js';
import type { SignInResult } from './signInResult.js';

/**
 * The device flow (RFC 8628) with the tenant's device-flow app: shows where to go and the code (and
 * a QR code of the complete URL), then polls until the person approves on any device.
 */
export async function deviceSignIn(
  provider: ProviderContext,
  choices: SignInChoices,
  deps: { stderr: Writable },
  signal: AbortSignal,
  emit: EmitLoginEvent = () => {},
): Promise<oauth.TokenEndpointResponse> {
  const device = await requestDeviceCode(provider, logtoAuthorizationParameters(choices), signal);
  const url = device.verification_uri_complete ?? device.verification_uri;
  emit({
    event: 'device',
    verificationUri: device.verification_uri,
    verificationUriComplete: device.verification_uri_complete ?? null,
    userCode: device.user_code,
    expiresIn: device.expires_in,
  });
  emit({ event: 'waiting', for: 'device', timeoutSeconds: device.expires_in });
  writeLine(
    deps.stderr,
    `To sign in to ${provider.host}, open this page on any device and confirm the code:`,
  );
  writeLine(deps.stderr, `  ${url}`);
  writeLine(deps.stderr, `  Code: ${device.user_code}`);
  writeLine(deps.stderr, terminalQrCode(url));
  const minutes = Math.max(1, Math.round(device.expires_in / 60));
  writeLine(deps.stderr, `Waiting for approval (the code expires in ${minutes} min; Ctrl+C to cancel)…`);
  return pollDeviceToken(provider, device, {
    signal,
    onSlowDown: (interval) =>
      writeLine(deps.stderr, `The provider asked hflogin to poll less often: every ${interval} s now.`),
  });
}

/** Device-flow tokens as a sign-in result: there is no browser waiting on a loopback to answer. */
export function deviceResult(provider: ProviderContext, tokens: oauth.TokenEndpointResponse): SignInResult {
  const subject = oauth.getValidatedIdTokenClaims(tokens)?.sub;
  if (!subject)
    throw protocolError(new Error('no ID token was returned'), 'The device sign-in', provider.host);
  return { tokens, provider, subject, finish: async () => undefined };
}

import { logtoAuthorizationParameters, type SignInChoices } from './authorizationParameters.js';

export interface ProtocolValues {
  authorizationEndpoint: string;
  clientId: string;
  redirectUri: string;
  state: string;
  nonce: string;
  codeChallenge: string;
}

/**
 * The authorization request hflogin sends to Logto in the browser: the protocol's values here, and
 * Logto's parameters from the builder the device flow shares. Logto source:
 * packages/core/src/oidc/init.ts (the oidc-provider configuration the request is checked against;
 * the real server's answers to it are pinned by test/logto/paired.test.ts).
 */
export function signInUrl(protocol: ProtocolValues, choices: SignInChoices): URL {
  const url = new URL(protocol.authorizationEndpoint);
  const params = url.searchParams;
  params.set('client_id', protocol.clientId);
  params.set('redirect_uri', protocol.redirectUri);
  params.set('response_type', 'code');
  params.set('prompt', choices.prompt);
  params.set('state', protocol.state);
  params.set('nonce', protocol.nonce);
  params.set('code_challenge', protocol.codeChallenge);
  params.set('code_challenge_method', 'S256');
  for (const [name, value] of logtoAuthorizationParameters(choices)) params.append(name, value);
  return url;
}

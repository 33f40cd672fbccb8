import type * as oauth from 'oauth4webapi';

import type { ProviderContext } from '../oauth/provider.js';

/** How the sign-in ended, for a browser still waiting on the loopback (it shows a page saying so). */
export type SignInEnding = { signedInAs: string } | { failure: { message: string; hint?: string } };

/** Tokens from one way of signing in, and how to tell the waiting browser (if any) how it ended. */
export interface SignInResult {
  tokens: oauth.TokenEndpointResponse;
  /** The provider as the app that got the tokens (the native app, or the device-flow app). */
  provider: ProviderContext;
  /** The ID token's subject: userinfo must be about the same person. */
  subject: string;
  /** Tells a browser still waiting on the loopback how it ended, then closes it. Safe to call twice. */
  finish(ending: SignInEnding): Promise<void>;
}

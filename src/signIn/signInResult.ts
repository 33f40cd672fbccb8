import type * as oauth from 'oauth4webapi';

import type { Page } from '../loopback/callbackServer.js';
import type { ProviderContext } from '../oauth/provider.js';

/** Tokens from one way of signing in, and how to tell the waiting browser (if any) how it ended. */
export interface SignInResult {
  tokens: oauth.TokenEndpointResponse;
  /** The provider as the app that got the tokens (the native app, or the device-flow app). */
  provider: ProviderContext;
  /** The ID token's subject: userinfo must be about the same person. */
  subject: string;
  /** Shows `page` to a browser still waiting on the loopback, then closes it. Safe to call twice. */
  finish(page: Page): Promise<void>;
}

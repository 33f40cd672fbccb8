import type { EventEmitter } from 'node:events';

import type { AccountStore } from './accounts.js';
import type { AdapterStore } from './adapter.js';
import type { SigningKey } from './keys.js';
import type { EmulatorOptions } from './options.js';

/** What the emulator counted; tests read it to prove what a client did (e.g. how many refreshes). */
export interface EmulatorStats {
  /** TCP connections accepted, and HTTP requests served over them (to tell a proxy's tunnels apart). */
  connections: number;
  requests: number;
  /** Successful token requests by grant type. */
  tokenRequests: Record<string, number>;
  /** Token requests refused, by error code. */
  tokenErrors: Record<string, number>;
  /** Grants revoked (by refresh token reuse, revocation or logout). */
  grantsRevoked: number;
  /** Responses a fault was applied to. */
  faultsApplied: number;
  /** When each device code was polled (ms since epoch), to check a client's pacing. */
  devicePolls: Record<string, number[]>;
  /** Every access, refresh and ID token the token endpoint handed out, for leak tests. */
  issuedTokens: string[];
  /**
   * refresh_token grant requests that presented a refresh token already rotated out, inside the
   * reuse grace (where they still succeed) or after it (where they revoke the grant). A client that
   * only ever presents its newest refresh token keeps this at 0.
   */
  refreshTokenReuse: number;
  /**
   * Every request to the device authorization endpoint, answered or refused, with all its form
   * parameters as sent (repeated ones, like `resource`, keep every value; `client_id` is also in `params`).
   */
  deviceAuthorizations: Array<{ clientId: string; params: Record<string, string[]> }>;
  /**
   * Every request to the authorization endpoint (`/oidc/auth`, not its resumption after an
   * interaction) with all its query parameters as sent, repeated ones keeping every value.
   */
  authorizationRequests: Array<{ clientId: string; params: Record<string, string[]> }>;
  /**
   * Every answered token revocation (RFC 7009; 200 also for a token it did not know), in order:
   * whose client asked, the hint, and whether a live token was found (and so its grant revoked).
   * No token value.
   */
  revocations: Array<{ clientId: string; tokenTypeHint: string | null; found: boolean }>;
  /** RP-initiated logouts that ended a browser session (end_session confirmed). */
  endSessions: number;
}

/** What `emulator.events` emits. Payloads carry no token or other secret. */
export interface EmulatorEvents {
  /**
   * A refresh_token grant succeeded: the old refresh token is consumed and the rotated response is
   * ready, about to wait `options.refreshResponseDelayMs` before it is sent.
   */
  refresh: [{ clientId: string; delayMs: number }];
  /** A token revocation is answered (after the token and its grant are gone, before the 200 is sent). */
  revocation: [{ clientId: string; tokenTypeHint: string | null; found: boolean }];
}

export function emptyStats(): EmulatorStats {
  return {
    connections: 0,
    requests: 0,
    tokenRequests: {},
    tokenErrors: {},
    grantsRevoked: 0,
    faultsApplied: 0,
    devicePolls: {},
    issuedTokens: [],
    refreshTokenReuse: 0,
    deviceAuthorizations: [],
    authorizationRequests: [],
    revocations: [],
    endSessions: 0,
  };
}

/** The state every part of the emulator shares; options are read at request time, so tests may change them. */
export interface EmulatorState {
  options: EmulatorOptions;
  endpoint: string;
  issuer: string;
  accounts: AccountStore;
  store: AdapterStore;
  signingKey: SigningKey;
  stats: EmulatorStats;
  events: EventEmitter<EmulatorEvents>;
}

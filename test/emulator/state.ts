import type { AccountStore } from './accounts.js';
import type { AdapterStore } from './adapter.js';
import type { SigningKey } from './keys.js';
import type { EmulatorOptions } from './options.js';

/** What the emulator counted; tests read it to prove what a client did (e.g. how many refreshes). */
export interface EmulatorStats {
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
}

export function emptyStats(): EmulatorStats {
  return {
    tokenRequests: {},
    tokenErrors: {},
    grantsRevoked: 0,
    faultsApplied: 0,
    devicePolls: {},
    issuedTokens: [],
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
}

import type { Writable } from 'node:stream';

import { writeJson } from '../io/terminal.js';
import type { HuggingFaceIdentity, UserSummary } from '../logto/profile.js';

/**
 * `login --json`: what happens, as newline-delimited JSON on stdout, so editors and agents can
 * drive a sign-in (open the URL themselves, show the device code, learn who signed in). Each line
 * is one object with `schemaVersion` and `event`; fields are only ever added.
 */
export type LoginEvent =
  | { event: 'url'; url: string; redirectUri: string; opened: boolean }
  | { event: 'waiting'; for: 'browser' | 'device'; timeoutSeconds: number }
  | {
      event: 'device';
      verificationUri: string;
      verificationUriComplete: string | null;
      userCode: string;
      expiresIn: number;
    }
  | {
      event: 'signed-in';
      profile: string;
      endpoint: string;
      user: UserSummary;
      huggingface: HuggingFaceIdentity | null;
      storage: 'keychain' | 'file';
      /**
       * The session this sign-in replaced, or null. `revocation`: `revoked` at Logto once the new
       * session was saved; `kept`: the same account on the same app, which Logto may have issued
       * this sign-in on (revoking it would end this one too); `failed`: Logto could not be asked.
       */
      replaced: {
        endpoint: string;
        user: UserSummary;
        huggingface: HuggingFaceIdentity | null;
        revocation: 'revoked' | 'kept' | 'failed';
      } | null;
    }
  /** Something the person should know before the browser opens; the sign-in goes on. */
  | { event: 'warning'; code: 'connector_not_enabled'; message: string; hint: string; connector: string }
  | { event: 'error'; code: string; message: string; hint: string; exitCode: number };

export type EmitLoginEvent = (event: LoginEvent) => void;

export function loginEvents(stdout: Writable, enabled: boolean): EmitLoginEvent {
  if (!enabled) return () => {};
  return (event) => writeJson(stdout, { schemaVersion: 1, ...event });
}

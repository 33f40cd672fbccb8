import type { Writable } from 'node:stream';

import { writeLine } from './terminal.js';

/** Something that looks like a token: a JWT, or a long run of base64url/hex characters. */
const tokenLike = /\beyJ[\w-]+\.[\w-]+\.[\w-]*|\b[A-Za-z0-9_-]{32,}\b/g;
const secretParams =
  /\b(code|code_verifier|state|nonce|access_token|refresh_token|id_token|token|device_code)=([^&\s"]+)/g;

/**
 * A password in a URL's userinfo, with or without the scheme (`http://user:pass@proxy:3128`,
 * `user:pass@proxy:3128`: what HTTPS_PROXY holds, parsable or not). Up to the last `@`, so a
 * password with an `@` in it goes whole.
 */
const userinfoPassword = /(^|[\s"'(<=,]|\b[a-z][\w+.-]*:\/\/)([^\s"'/?#@:]+):[^\s"'/?#]+@/gi;
/** A userinfo of one part after a scheme (`http://token@proxy`): the whole of it may be the secret. */
const userinfoAlone = /(\b[a-z][\w+.-]*:\/\/)[^\s"'/?#@:]+@/gi;

/** `http://user:***@host:port`: a URL (or anything shaped like one) without its credentials. */
export function redactUserinfo(text: string): string {
  return text.replace(userinfoPassword, '$1$2:***@').replace(userinfoAlone, '$1***@');
}

/** Removes every secret-looking value from a diagnostic line. */
export function redact(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const secret of known) if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  return redactUserinfo(out.replace(secretParams, '$1=[redacted]').replace(tokenLike, '[redacted]'));
}

export type DebugLog = (message: string) => void;

/** `--debug`: diagnostics on stderr, each line redacted (and, like every line, sanitised). A no-op otherwise. */
export function debugLog(stderr: Writable, enabled: boolean): DebugLog {
  if (!enabled) return () => {};
  return (message) => writeLine(stderr, `debug: ${redact(message)}`);
}

/**
 * HFLOGIN_DEBUG=1 is --debug for every command, as GH_DEBUG=1 is for gh: for a script or a wrapper
 * whose command line cannot be changed. Empty, 0, false, no and off leave it off.
 */
export function debugVariable(env: NodeJS.ProcessEnv): boolean {
  const value = env.HFLOGIN_DEBUG?.trim().toLowerCase();
  return value !== undefined && !['', '0', 'false', 'no', 'off'].includes(value);
}

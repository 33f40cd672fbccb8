/**
 * What hflogin asks of the machine besides files and the network: random bytes and the process
 * table. Only types and pure helpers live here; src/cli.ts builds the real ones (the one module
 * allowed to touch `crypto` randomness, `process.kill` and the clock), and tests pass fakes.
 */

/** `count` cryptographically random bytes. */
export type RandomBytes = (count: number) => Uint8Array;

/** This process and the others on the machine, as the session lock needs them. */
export interface ProcessTable {
  /** This process's pid. */
  readonly pid: number;
  /** This machine's host name. */
  hostname(): string;
  /** kill(pid, 0): false only when there is no such process (ESRCH); EPERM means it exists. */
  exists(pid: number): boolean;
}

/**
 * An unguessable token: base64url of 32 random bytes (43 characters), the size oauth4webapi uses
 * for state, nonce and the PKCE code verifier (RFC 7636 §4.1 asks for 43 to 128 characters).
 */
export function randomToken(random: RandomBytes, bytes = 32): string {
  return Buffer.from(random(bytes)).toString('base64url');
}

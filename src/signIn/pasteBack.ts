import type { Writable } from 'node:stream';

import { askLine, type TerminalInput } from '../io/terminalInput.js';

/** What a pasted address must match: the sign-in in progress. */
export interface ExpectedCallback {
  redirectUri: string;
  state: string;
}

/**
 * Paste-back: asks for the address the browser ended on, and checks it like a callback (this
 * sign-in's redirect URI and state, a code or an error); iss and error are then checked by
 * validateAuthResponse with the callback's, so a pasted URL is never trusted more than a redirect.
 * `signal` withdraws the question when another way has won.
 */
export async function pasteBack(
  expected: ExpectedCallback,
  io: { stdin: TerminalInput; stderr: Writable },
  signal: AbortSignal,
): Promise<URLSearchParams> {
  const value = await askLine(
    'Paste the address your browser ended on:',
    (text) => checkPasted(text, expected),
    { stdin: io.stdin, stderr: io.stderr, signal },
  );
  return new URL(value.trim()).searchParams;
}

/** True when `text` is a callback of this sign-in, or what is wrong with it. */
function checkPasted(text: string, expected: ExpectedCallback): true | string {
  const redirect = new URL(expected.redirectUri);
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return `That is not an address; it starts with ${expected.redirectUri}`;
  }
  if (url.origin !== redirect.origin || url.pathname !== redirect.pathname)
    return `The address must start with ${expected.redirectUri}`;
  if (url.searchParams.get('state') !== expected.state)
    return 'That address belongs to another sign-in (its state does not match).';
  if (!url.searchParams.has('code') && !url.searchParams.has('error'))
    return 'That address has neither a code nor an error.';
  return true;
}

import type { StorageKind } from '../config/profiles.js';
import type { BrowserOpener } from '../io/browser.js';
import type { HostFacts } from '../io/browserAvailability.js';
import type { DebugLog } from '../io/debug.js';
import type { HttpClient } from '../io/httpClient.js';
import type { CriticalSection } from '../io/interrupt.js';
import type { ProcessTable, RandomBytes } from '../io/machine.js';
import type { TerminalStreams } from '../io/terminal.js';
import type { TerminalInput } from '../io/terminalInput.js';
import type { SecretStore } from '../storage/secretStore.js';

/**
 * Everything a command touches, passed in by src/cli.ts (the only module that reads `process`, the
 * clock or crypto randomness; a lint rule says so), so a test runs any command in-process with fakes.
 */
export interface CommandDeps extends TerminalStreams {
  /** Read only on a terminal (paste-back, the switch key); never in scripts. TTY facts: `isTTY`. */
  stdin: TerminalInput;
  env: NodeJS.ProcessEnv;
  /** The clock, ms since the epoch. */
  now: () => number;
  /** Aborted when the person presses Ctrl+C (or the process gets SIGTERM/SIGHUP). */
  signal: AbortSignal;
  /** Work the first Ctrl+C must not cut (a refresh until its rotated token is saved). */
  critical: CriticalSection;
  /** Raises the Ctrl+C the terminal's raw mode swallowed (a key press read as a key). */
  interrupt: () => void;
  /** The one HTTP client of the process (proxy settings read once; loopback never proxied). */
  http: HttpClient;
  /** Cryptographically random bytes: state, nonce and the PKCE verifier come from here. */
  random: RandomBytes;
  /** SSH, container, WSL, display: read when first asked (only a sign-in and doctor ask). */
  hostFacts: () => HostFacts;
  /** This process and the others, for the session lock. */
  processes: ProcessTable;
  openBrowser: BrowserOpener;
  openStore: (kind: StorageKind, configDir: string) => Promise<SecretStore>;
  /**
   * `--debug` (or HFLOGIN_DEBUG): one redacted line on stderr per step worth tracing. Set by the
   * program only then (with `http` traced too); absent, nothing is traced.
   */
  debug?: DebugLog;
}

export type { DebugLog };

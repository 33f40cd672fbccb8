import type { Command } from 'commander';

import type { StorageKind } from '../config/profiles.js';
import type { BrowserOpener } from '../io/browser.js';
import type { DebugLog } from '../io/debug.js';
import type { CriticalSection } from '../io/interrupt.js';
import type { TerminalStreams } from '../io/terminal.js';
import type { TerminalInput } from '../io/terminalInput.js';
import type { SecretStore } from '../storage/secretStore.js';

/** Everything a command touches, passed in so tests can run commands in-process with fakes. */
export interface CommandDeps extends TerminalStreams {
  /** Read only on a terminal (paste-back, the switch key); never in scripts. */
  stdin: TerminalInput;
  env: NodeJS.ProcessEnv;
  now: () => number;
  /** Aborted when the person presses Ctrl+C. */
  signal: AbortSignal;
  /** Work the first Ctrl+C must not cut (a refresh until its rotated token is saved). */
  critical: CriticalSection;
  openBrowser: BrowserOpener;
  openStore: (kind: StorageKind, configDir: string) => Promise<SecretStore>;
}

/** The global options (SPEC): every command reads them through this. */
export interface GlobalOptions {
  profile?: string;
  json?: boolean;
  debug?: boolean;
  color?: boolean;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export type { DebugLog };

import { ErrorCode } from './errorCodes.js';

/** Exit codes are part of the contract in SPEC.md ("Output and exit codes"). */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  notSignedIn: 4,
  network: 5,
  storage: 6,
  timedOut: 124,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface HfloginErrorOptions {
  /** Stable, machine-readable identifier, e.g. `keychain_unavailable`. */
  code: string;
  exitCode: ExitCode;
  /**
   * What the person can do next: required, so every error hflogin raises ends with one (the README's
   * promise; test/inprocess/errorHints.test.ts walks every ErrorCode to prove it).
   */
  hint: string;
  cause?: unknown;
}

/**
 * Every failure the CLI expects is one of these: the message says what happened and why,
 * `hint` says what to do, `exitCode` is what scripts see.
 */
export class HfloginError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint: string;

  constructor(message: string, options: HfloginErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HfloginError';
    this.code = options.code;
    this.exitCode = options.exitCode;
    this.hint = options.hint;
  }
}

export function usageError(message: string, hint: string): HfloginError {
  return new HfloginError(message, { code: ErrorCode.usage, exitCode: ExitCode.usage, hint });
}

/** A failure hflogin did not foresee (a bug, or an answer nothing checks for): `unexpected`, exit 1. */
export function unexpectedError(message: string, cause?: unknown): HfloginError {
  return new HfloginError(message, {
    code: ErrorCode.unexpected,
    exitCode: ExitCode.failed,
    hint: 'This is a failure hflogin did not expect: run the command again with --debug to see where it happened, and report it with that output (tokens are redacted).',
    cause,
  });
}

/** What a `--json` command prints on stdout when it fails (schemaVersion 1): one document, always. */
export interface ErrorJson {
  schemaVersion: 1;
  error: { code: string; message: string; hint: string; exitCode: number };
}

const alreadyInJson = new WeakSet<object>();

/** Marks an error whose command already said it in its own `--json` document (login's events, logout --all). */
export function reportedInJson<T extends object>(error: T): T {
  alreadyInJson.add(error);
  return error;
}

export function isReportedInJson(error: unknown): boolean {
  return typeof error === 'object' && error !== null && alreadyInJson.has(error);
}

export function errorJson(error: HfloginError): ErrorJson {
  return {
    schemaVersion: 1,
    error: { code: error.code, message: error.message, hint: error.hint, exitCode: error.exitCode },
  };
}

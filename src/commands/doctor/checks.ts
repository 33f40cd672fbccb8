/**
 * One line of `hflogin doctor`: what was checked, how it went, and what to do.
 *
 * - `ok`: fine.
 * - `failed`: a sign-in cannot succeed until it is fixed (`fix` says how); doctor exits 1.
 * - `skipped`: it could not run, or does not apply here; `detail` says why (e.g. another check
 *   already reports the cause: a root cause is reported once).
 * - `note`: worth knowing, but a sign-in can still succeed (e.g. no display: paste-back and
 *   `--device` work); `fix` may say what would make it better.
 */
export type CheckStatus = 'ok' | 'failed' | 'skipped' | 'note';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  fix: string | null;
}

export const ok = (name: string, detail: string): Check => ({ name, status: 'ok', detail, fix: null });
export const failed = (name: string, detail: string, fix: string): Check => ({
  name,
  status: 'failed',
  detail,
  fix,
});
export const skipped = (name: string, detail: string): Check => ({
  name,
  status: 'skipped',
  detail,
  fix: null,
});
export const note = (name: string, detail: string, fix: string | null = null): Check => ({
  name,
  status: 'note',
  detail,
  fix,
});

import { ExitCode, HfloginError } from './errors.js';
import { ErrorCode } from './errorCodes.js';

export function interrupted(): HfloginError {
  return new HfloginError('Interrupted.', {
    code: ErrorCode.interrupted,
    exitCode: ExitCode.interrupted,
    hint: 'Stopped at your request (Ctrl+C or a signal); run the command again to retry.',
  });
}

/**
 * Waits for `promise`, but gives up after `timeoutMs` (exit 124) or when `signal` aborts, which
 * the CLI does on Ctrl+C (exit 130).
 */
export function waitFor<T>(
  promise: Promise<T>,
  options: { timeoutMs: number; signal: AbortSignal; what: string },
): Promise<T> {
  if (options.signal.aborted) {
    // Nobody else may be waiting on `promise` (a race its caller aborts next): observe its failure.
    promise.catch(() => undefined);
    return Promise.reject(interrupted());
  }
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new HfloginError(
          `Timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${options.what}.`,
          {
            code: ErrorCode.timedOut,
            exitCode: ExitCode.timedOut,
            hint: 'Run hflogin login again (a longer wait: --timeout <seconds>).',
          },
        ),
      );
    }, options.timeoutMs);
    const onAbort = () => {
      cleanup();
      reject(interrupted());
    };
    const cleanup = () => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        reject(error);
      },
    );
  });
}

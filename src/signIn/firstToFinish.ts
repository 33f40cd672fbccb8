/** One way of finishing: runs until it has an answer, and stops (soon) once `signal` aborts. */
export type Contender<T> = (signal: AbortSignal) => Promise<T>;

/** The reason the losers' signals carry: another contender finished first. */
export class RaceDecided extends Error {
  constructor() {
    super('Another way of finishing came first.');
    this.name = 'AbortError';
  }
}

/**
 * Runs every contender at once (each called synchronously, in order, so what one prints before its
 * first await comes before what the next prints), and settles with the first to settle: its value,
 * or its failure. The others are then aborted, and whatever they do afterwards is ignored (their
 * late values, and the errors their abort makes them throw, are swallowed).
 *
 * A failure decides the race like a success does — deliberately: every failure a way of signing in
 * reports is final for the person (Ctrl+C at a prompt, a refusal on the device or in the browser, a
 * code that expired), and the loopback listener, which could "still win", would otherwise hold the
 * command until the timeout. A contender that wants to step aside instead simply never settles (so a
 * callback with the wrong state is ignored by the listener, which keeps waiting); one that has
 * nothing left to try resolves or rejects. With no contenders the race never settles.
 *
 * `signal` (the caller's timeout or Ctrl+C) aborts every contender; the race then rejects with its
 * reason, unless a contender already won.
 */
export function firstToFinish<T>(contenders: ReadonlyArray<Contender<T>>, signal?: AbortSignal): Promise<T> {
  const race = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const decide = (settle: () => void) => {
      if (race.signal.aborted) return;
      signal?.removeEventListener('abort', onOuterAbort);
      race.abort(new RaceDecided());
      settle();
    };
    const onOuterAbort = () => decide(() => reject(signal!.reason));
    if (signal?.aborted) return onOuterAbort();
    signal?.addEventListener('abort', onOuterAbort, { once: true });
    for (const contender of contenders) {
      if (race.signal.aborted) break;
      let running: Promise<T>;
      try {
        running = contender(race.signal);
      } catch (error) {
        running = Promise.reject(error);
      }
      running.then(
        (value) => decide(() => resolve(value)),
        (error: unknown) => decide(() => reject(error)),
      );
    }
  });
}

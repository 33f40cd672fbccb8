import { describe, expect, it } from 'vitest';

import { firstToFinish, type Contender } from '../../src/signIn/firstToFinish.js';

/**
 * A scripted contender: settles after `after` ms with a value or a failure ('never': stays pending
 * until aborted), and records whether its signal was aborted while it was still running, and
 * whether it then still settled.
 */
interface Script {
  after: number | 'never';
  value?: string;
  fails?: string;
  /** Throws before returning a promise. */
  throwsAtOnce?: string;
  /** Ignores its signal: keeps running to the end, as a slow loser might. */
  deaf?: boolean;
}

function contender(script: Script, log: { aborted: boolean; settledLate: boolean }): Contender<string> {
  return (signal) => {
    if (script.throwsAtOnce) throw new Error(script.throwsAtOnce);
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const settle = () => {
        settled = true;
        if (signal.aborted) log.settledLate = true;
        if (script.fails) reject(new Error(script.fails));
        else resolve(script.value ?? 'value');
      };
      const timer = script.after === 'never' ? undefined : setTimeout(settle, script.after);
      signal.addEventListener('abort', () => {
        if (settled) return;
        log.aborted = true;
        if (script.deaf) return;
        clearTimeout(timer);
        reject(signal.reason);
      });
    });
  };
}

const cases: Array<{
  name: string;
  scripts: Script[];
  outcome: { value: string } | { error: string };
  /** Which contenders end up aborted (the winner never is). */
  aborted: boolean[];
}> = [
  {
    name: 'the only contender wins',
    scripts: [{ after: 5, value: 'a' }],
    outcome: { value: 'a' },
    aborted: [false],
  },
  {
    name: 'the fastest wins, the slower one is aborted',
    scripts: [
      { after: 40, value: 'slow' },
      { after: 5, value: 'fast' },
    ],
    outcome: { value: 'fast' },
    aborted: [true, false],
  },
  {
    name: 'one that never finishes (a listener) loses to one that does',
    scripts: [{ after: 'never' }, { after: 5, value: 'pasted' }],
    outcome: { value: 'pasted' },
    aborted: [true, false],
  },
  {
    name: 'a failure first decides the race, and aborts the rest',
    scripts: [{ after: 'never' }, { after: 5, fails: 'denied' }],
    outcome: { error: 'denied' },
    aborted: [true, false],
  },
  {
    name: 'a failure after a win is ignored',
    scripts: [
      { after: 5, value: 'browser' },
      { after: 20, fails: 'too late', deaf: true },
    ],
    outcome: { value: 'browser' },
    aborted: [false, true],
  },
  {
    name: 'a late value from a loser that ignores its signal is ignored',
    scripts: [
      { after: 5, value: 'first' },
      { after: 15, value: 'second', deaf: true },
    ],
    outcome: { value: 'first' },
    aborted: [false, true],
  },
  {
    name: 'a contender that throws at once fails the race',
    scripts: [{ after: 'never' }, { after: 0, throwsAtOnce: 'broken' }],
    outcome: { error: 'broken' },
    aborted: [true, false],
  },
  {
    name: 'of two failures, the first decides',
    scripts: [
      { after: 20, fails: 'second' },
      { after: 5, fails: 'first' },
    ],
    outcome: { error: 'first' },
    aborted: [true, false],
  },
];

describe('firstToFinish', () => {
  it.each(cases)('$name', async ({ scripts, outcome, aborted }) => {
    const logs = scripts.map(() => ({ aborted: false, settledLate: false }));
    const race = firstToFinish(scripts.map((script, index) => contender(script, logs[index]!)));
    if ('value' in outcome) await expect(race).resolves.toBe(outcome.value);
    else await expect(race).rejects.toThrow(outcome.error);
    expect(logs.map((log) => log.aborted)).toEqual(aborted);
    // Let the deaf losers finish: nothing they do afterwards escapes (no unhandled rejection).
    await new Promise((resolve) => setTimeout(resolve, 30));
  });

  it('calls the contenders in order, synchronously (what one prints first comes first)', () => {
    const calls: number[] = [];
    void firstToFinish([0, 1, 2].map((index) => () => (calls.push(index), new Promise<never>(() => {}))));
    expect(calls).toEqual([0, 1, 2]);
  });

  it("the caller's signal (timeout, Ctrl+C) aborts every contender and rejects with its reason", async () => {
    const logs = [0, 1].map(() => ({ aborted: false, settledLate: false }));
    const outer = new AbortController();
    const race = firstToFinish(
      [contender({ after: 'never' }, logs[0]!), contender({ after: 'never' }, logs[1]!)],
      outer.signal,
    );
    outer.abort(new Error('timed out'));
    await expect(race).rejects.toThrow('timed out');
    expect(logs.map((log) => log.aborted)).toEqual([true, true]);
  });

  it('an already aborted signal starts nothing', async () => {
    const outer = new AbortController();
    outer.abort(new Error('interrupted'));
    let called = false;
    await expect(
      firstToFinish([() => ((called = true), Promise.resolve('x'))], outer.signal),
    ).rejects.toThrow('interrupted');
    expect(called).toBe(false);
  });

  it("after a win, the caller's signal changes nothing", async () => {
    const outer = new AbortController();
    const race = firstToFinish([async () => 'won'], outer.signal);
    await expect(race).resolves.toBe('won');
    outer.abort(new Error('late'));
    await expect(race).resolves.toBe('won');
  });

  it("the losers' signals say another way came first", async () => {
    let reason: unknown;
    await firstToFinish([
      async () => 'won',
      (signal) =>
        new Promise<string>((_resolve, reject) =>
          signal.addEventListener('abort', () => ((reason = signal.reason), reject(signal.reason))),
        ),
    ]);
    expect((reason as Error).name).toBe('AbortError');
    expect((reason as Error).message).toBe('Another way of finishing came first.');
  });
});

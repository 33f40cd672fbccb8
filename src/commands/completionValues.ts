import type { Argument, Option } from 'commander';

/**
 * What a shell may complete for an option's value or a positional argument: a fixed list, or the
 * profile names, which only exist when completing (the script asks `hflogin __complete profiles`).
 */
export type CompletionValues = readonly string[] | 'profiles';

const declared = new WeakMap<Option | Argument, CompletionValues>();

/** Declares the values that complete `target` (commander's own `.choices()` need no declaring). */
export function completesWith<Target extends Option | Argument>(
  target: Target,
  values: CompletionValues,
): Target {
  declared.set(target, values);
  return target;
}

/** The values that complete `target`: declared, else its choices; undefined for a free value. */
export function completionValues(target: Option | Argument): CompletionValues | undefined {
  return declared.get(target) ?? target.argChoices;
}

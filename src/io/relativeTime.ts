/**
 * How long, for a person: "45 s", "57 min", "3 h", "2 d". Seconds while they matter (under two
 * minutes), then minutes up to two hours, hours up to two days, then days; always rounded, one unit,
 * as gh and kubectl print ages. The one formatter of durations on the terminal (status, the device
 * flow's deadline); JSON keeps absolute ISO-8601 times.
 */
export function duration(seconds: number): string {
  const value = Math.abs(seconds);
  if (value < 120) return `${Math.round(value)} s`;
  if (value < 120 * 60) return `${Math.round(value / 60)} min`;
  if (value < 48 * 3600) return `${Math.round(value / 3600)} h`;
  return `${Math.round(value / 86_400)} d`;
}

/** `at` (ms since the epoch) seen from `now`: "in 57 min" or "3 h ago". */
export function relativeTime(at: number, now: number): string {
  const seconds = (at - now) / 1000;
  return seconds >= 0 ? `in ${duration(seconds)}` : `${duration(seconds)} ago`;
}

import { appendFileSync } from 'node:fs';

import { expect } from 'vitest';

/**
 * One hostile input tried (a malicious provider's answer, another local user's move, a hostile
 * page's request) and whether hflogin refused it. The test asserts the refusal itself; this also
 * counts it: `npm test` (scripts/test.mjs) ends with "N hostile inputs tried, M accepted".
 */
export function expectRefused(name: string, refused: boolean): void {
  const log = process.env.HFLOGIN_HOSTILE_LOG;
  if (log) appendFileSync(log, `${JSON.stringify({ name, refused })}\n`);
  expect(refused, `hostile input accepted: ${name}`).toBe(true);
}

import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The rules that fired on `code` as if it were the file at `path` (relative to the repository). */
async function rulesFiredOn(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${path}` });
  return result!.messages.map((message) => message.ruleId ?? message.message);
}

/** The layering and "only cli.ts reads the machine" rules of eslint.config.js, proven to bite. */
describe('eslint: layering and the machine', () => {
  it.each([
    [
      'src/session/backEdge.ts',
      "import type { CommandDeps } from '../commands/deps.js';\nexport type X = CommandDeps;\n",
    ],
    ['src/io/backEdge.ts', "import { configDir } from '../config/paths.js';\nexport const x = configDir;\n"],
    [
      'src/logto/backEdge.ts',
      "import type { StoredSession } from '../session/session.js';\nexport type X = StoredSession;\n",
    ],
    ['src/oauth/backEdge.ts', "import { runProgram } from '../program.js';\nexport const x = runProgram;\n"],
    [
      'src/session/backEdge2.ts',
      "import { systemRandom } from '../system.js';\nexport const x = systemRandom;\n",
    ],
    [
      'src/signIn/backEdge.ts',
      "import type { CommandDeps } from '../../src/commands/deps.js';\nexport type X = CommandDeps;\n",
    ],
    [
      'src/commands/login/backEdge.ts',
      "import { runToken } from '../token/run.js';\nexport const x = runToken;\n",
    ],
  ])('refuses a back edge: %s', async (path, code) => {
    expect(await rulesFiredOn(path, code)).toEqual(['no-restricted-imports']);
  });

  it('keeps the library (src/lib.ts) from loading commander, a definition or the program', async () => {
    for (const code of [
      "import { Command } from 'commander';\nexport const x = Command;\n",
      "import { token } from './commands/token/definition.js';\nexport const x = token;\n",
      "import { runProgram } from './program.js';\nexport const x = runProgram;\n",
    ])
      expect(await rulesFiredOn('src/lib.ts', code)).toEqual(['no-restricted-imports']);
    // Its deps are its own to build: the environment and the clock, as src/cli.ts reads them.
    expect(
      await rulesFiredOn(
        'src/lib.ts',
        "import { runToken } from './commands/token/run.js';\nexport const x = [runToken, process.env.HOME, Date.now()];\n",
      ),
    ).toEqual([]);
    // …and nothing below may import it.
    expect(
      await rulesFiredOn(
        'src/commands/token/backEdge.ts',
        "import { status } from '../../lib.js';\nexport const x = status;\n",
      ),
    ).toEqual(['no-restricted-imports']);
  });

  it('lets only src/io write to the terminal streams it is given', async () => {
    const code =
      'export const say = (deps: { stdout: { write(text: string): void } }) => deps.stdout.write("hi");\n';
    expect(await rulesFiredOn('src/commands/say.ts', code)).toEqual(['no-restricted-syntax']);
    expect(await rulesFiredOn('src/io/say.ts', code)).toEqual([]);
    // A stream passed on by name is the terminal too.
    const passedOn = 'export const say = (stderr: { write(text: string): void }) => stderr.write("hi");\n';
    expect(await rulesFiredOn('src/signIn/say.ts', passedOn)).toEqual(['no-restricted-syntax']);
  });

  it('allows what the layering allows', async () => {
    expect(
      await rulesFiredOn(
        'src/commands/login/ok.ts',
        "import type { CommandDeps } from '../deps.js';\nimport { writeLine } from '../../io/terminal.js';\nexport type X = CommandDeps;\nexport const x = writeLine;\n",
      ),
    ).toEqual([]);
    expect(
      await rulesFiredOn(
        'src/commands/ok.ts',
        "import { writeLine } from '../io/terminal.js';\nimport type { StoredSession } from '../session/session.js';\nexport type X = StoredSession;\nexport const x = writeLine;\n",
      ),
    ).toEqual([]);
  });

  it.each([
    ['process.env', 'export const x = process.env.HOME;\n', 'no-restricted-properties'],
    ['Date.now', 'export const x = Date.now();\n', 'no-restricted-properties'],
    ['new Date()', 'export const x = new Date();\n', 'no-restricted-syntax'],
    ['process.kill', 'export const x = () => process.kill(1, 0);\n', 'no-restricted-properties'],
    [
      'crypto.getRandomValues',
      'export const x = crypto.getRandomValues(new Uint8Array(4));\n',
      'no-restricted-properties',
    ],
    [
      "crypto's randomBytes (no node: prefix)",
      "import { randomBytes } from 'crypto';\nexport const x = randomBytes(4);\n",
      'no-restricted-imports',
    ],
    [
      "node:crypto's randomBytes",
      "import { randomBytes } from 'node:crypto';\nexport const x = randomBytes(4);\n",
      'no-restricted-imports',
    ],
    ['process.stdout', 'export const x = process.stdout;\n', 'no-restricted-syntax'],
  ])('below src/cli.ts, %s is refused', async (_name, code, rule) => {
    expect(await rulesFiredOn('src/session/machine.ts', code)).toEqual([rule]);
    // …and src/cli.ts, the composition root, may.
    expect(await rulesFiredOn('src/cli.ts', code)).toEqual([]);
  });
});

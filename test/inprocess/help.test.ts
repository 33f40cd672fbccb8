import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';

import { commandTree } from '../../src/commands/commandTree.js';
import { settingNames, settingSummaries } from '../../src/config/settingNames.js';
import { fakeHost, hflogin } from '../helpers/inProcess.js';

/** Every command `--help` can be asked of, as typed: '' (hflogin itself), 'login', 'config set'… */
function commandPaths(): string[] {
  const program = commandTree(async () => undefined);
  const help = program.createHelp();
  const paths: string[] = [];
  const walk = (command: Command, prefix: string) => {
    for (const sub of help.visibleCommands(command)) {
      if (sub.name() === 'help') continue;
      const path = prefix ? `${prefix} ${sub.name()}` : sub.name();
      paths.push(path);
      walk(sub, path);
    }
  };
  walk(program, '');
  return ['', ...paths];
}

/** The entries of a help's option sections, each joined onto one line: "--port <port>  loopback…". */
function optionEntries(help: string): string[] {
  const entries: string[] = [];
  let inOptions = false;
  for (const line of help.split('\n')) {
    if (/^(Global )?Options:$/.test(line)) inOptions = true;
    else if (line === '' || !line.startsWith(' ')) inOptions = false;
    else if (inOptions && /^ {2}-/.test(line)) entries.push(line.trim());
    else if (inOptions) entries[entries.length - 1] += ` ${line.trim()}`;
  }
  return entries.map((entry) => entry.replace(/\s+/g, ' '));
}

async function helpOf(path: string): Promise<string> {
  const run = hflogin(fakeHost(), [...path.split(' ').filter(Boolean), '--help']);
  expect(await run.exit).toBe(0);
  return run.stdout();
}

describe('help', () => {
  it('says each default once, and only defaults that mean something, in every command', async () => {
    const paths = commandPaths();
    expect(paths).toEqual([
      '',
      'login',
      'whoami',
      'status',
      'token',
      'api',
      'logout',
      'config',
      'config get',
      'config set',
      'config unset',
      'config init',
      'config list',
      'doctor',
      'completion',
    ]);
    const noise: string[] = [];
    for (const path of paths) {
      const help = await helpOf(path);
      const entries = optionEntries(help);
      expect(entries).toContain('-h, --help show help');
      for (const entry of entries) {
        // commander's own "(default: …)" of an empty list, a boolean, a zero: nothing a person can use.
        if (/\(default: (?:\[\]|false|true|0|""|undefined|null)\)/.test(entry))
          noise.push(`${path}: ${entry}`);
        if ((entry.match(/\(default:/g) ?? []).length > 1) noise.push(`${path}: ${entry}`);
      }
      // A flag is listed once: not under Options and again under Global Options.
      const flags = entries.map((entry) => /--[a-z-]+/.exec(entry)![0]);
      const twice = flags.filter((flag, index) => flags.indexOf(flag) !== index);
      noise.push(...twice.map((flag) => `${path}: ${flag} listed twice`));
      // --version answers for hflogin, not for a command.
      if (path !== '' && flags.includes('--version')) noise.push(`${path}: --version`);
    }
    expect(noise).toEqual([]);
  });

  it("keeps the defaults that mean something, once: login's port, timeout, prompt and connector", async () => {
    const entries = optionEntries(await helpOf('login'));
    const defaults = entries.flatMap((entry) => entry.match(/\(default: [^)]*\)/g) ?? []);
    expect(defaults).toEqual([
      "(default: the profile's, else huggingface)",
      '(default: consent)',
      '(default: a free one)',
      '(default: 300)',
    ]);
  });

  it('config set, get and unset --help list every setting they accept, with what it is', async () => {
    for (const path of ['config set', 'config get', 'config unset']) {
      const help = await helpOf(path);
      const settings = help.split('Settings (<key>):\n')[1]!.trimEnd().split('\n');
      expect(settings).toEqual(settingNames.map((name) => `  ${name.padEnd(15)}${settingSummaries[name]}`));
    }
  });

  it('leaves the completion scripts’ own command out of help', async () => {
    expect(await helpOf('')).not.toContain('__complete');
  });
});

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { hfloginBin, isolatedProfile } from '../helpers/hfloginProcess.js';
import { requireSystemPiece } from '../helpers/systemPieces.js';
import { TerminalSession, tmuxAvailability } from '../helpers/tmux.js';

function shellAvailability(shell: string): { skip: boolean } {
  const found = spawnSync(shell, ['-c', 'exit 0']).status === 0;
  return requireSystemPiece(shell, found ? undefined : `${shell} not found (apt-get install ${shell})`);
}

const bash = shellAvailability('bash');
const zsh = shellAvailability('zsh');
const fish = shellAvailability('fish');
const tmux = tmuxAvailability();

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const settingKeys = ['endpoint', 'app-id', 'device-app-id', 'connector', 'storage'];

/**
 * A user's machine: `hflogin` on the PATH (the built CLI; the scripts call it for the profile
 * names), and a config directory with the profiles "work" and "personal".
 */
let user: { env: NodeJS.ProcessEnv; home: string };
beforeAll(() => {
  const isolated = isolatedProfile();
  const bin = join(isolated.root, 'bin');
  const home = join(isolated.root, 'home');
  mkdirSync(bin);
  mkdirSync(home);
  writeFileSync(join(bin, 'hflogin'), `#!/bin/sh\nexec '${process.execPath}' '${hfloginBin}' "$@"\n`, {
    mode: 0o755,
  });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH}`,
    HFLOGIN_CONFIG_DIR: isolated.configDir,
    HOME: home,
    NO_COLOR: '1',
  };
  delete env.HFLOGIN_PROFILE;
  for (const profile of ['work', 'personal']) {
    const set = spawnSync(
      'hflogin',
      ['--profile', profile, 'config', 'set', 'endpoint', 'https://t.example'],
      {
        env,
        encoding: 'utf8',
      },
    );
    expect(set.stderr).toBe('');
  }
  user = { env, home };
});

/** What bash completes for the words typed so far, with the script `hflogin completion bash` prints. */
function bashCompletes(...typed: string[]): string[] {
  const words = ['hflogin', ...typed].map((word) => `'${word}'`).join(' ');
  const script = `source <(hflogin completion bash)
COMP_WORDS=(${words}); COMP_CWORD=${typed.length}; _hflogin; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: user.env });
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean);
}

describe.skipIf(bash.skip)('bash completion', () => {
  it('loads, and completes commands, subcommands and options', () => {
    expect(bashCompletes('lo')).toEqual(['login', 'logout']);
    expect(bashCompletes('')).toEqual([
      'login',
      'whoami',
      'status',
      'token',
      'api',
      'logout',
      'config',
      'doctor',
      'completion',
      'help',
    ]);
    expect(bashCompletes('login', '--de')).toEqual(['--device', '--device-app-id', '--debug']);
    expect(bashCompletes('config', 'u')).toEqual(['unset']);
    expect(bashCompletes('--profile', 'work', 'tok')).toEqual(['token']);
  });

  it('completes --storage with its values, not "--"', () => {
    expect(bashCompletes('login', '--storage', '')).toEqual(['keychain', 'file']);
    expect(bashCompletes('login', '--storage', 'f')).toEqual(['file']);
  });

  it('completes the shells after completion', () => {
    expect(bashCompletes('completion', '')).toEqual(['bash', 'zsh', 'fish']);
  });

  it('completes setting keys after config get, set and unset, and nothing for a value of your own', () => {
    for (const subcommand of ['get', 'set', 'unset'])
      expect(bashCompletes('config', subcommand, '')).toEqual(settingKeys);
    expect(bashCompletes('--json', 'config', 'set', 'dev')).toEqual(['device-app-id']);
    expect(bashCompletes('config', 'set', 'endpoint', '')).toEqual([]);
    expect(bashCompletes('login', '--endpoint', '')).toEqual([]);
  });

  it('completes the profile names after --profile and -p, anywhere on the line', () => {
    expect(bashCompletes('--profile', '')).toEqual(['personal', 'work']);
    expect(bashCompletes('-p', 'w')).toEqual(['work']);
    expect(bashCompletes('whoami', '-p', '')).toEqual(['personal', 'work']);
  });
});

/** What fish completes for the line typed so far (`complete -C`), without the descriptions. */
function fishCompletes(line: string): string[] {
  const result = spawnSync(
    'fish',
    ['--no-config', '-c', 'hflogin completion fish | source; complete -C "$HFLOGIN_TYPED"'],
    { encoding: 'utf8', env: { ...user.env, HFLOGIN_TYPED: line } },
  );
  expect(result.stderr).toBe('');
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((candidate) => candidate.split('\t')[0]!);
}

describe.skipIf(fish.skip)('fish completion', () => {
  it('completes commands, and the options of the command typed', () => {
    expect(fishCompletes('hflogin lo')).toEqual(['login', 'logout']);
    expect(fishCompletes('hflogin logout --a')).toEqual(['--all']);
  });

  it('completes --storage, the shells, setting keys and profile names', () => {
    expect(fishCompletes('hflogin login --storage ')).toEqual(['file', 'keychain']);
    expect(fishCompletes('hflogin completion ')).toEqual(['bash', 'fish', 'zsh']);
    expect(fishCompletes('hflogin config set ')).toEqual([...settingKeys].sort());
    expect(fishCompletes('hflogin config unset de')).toEqual(['device-app-id']);
    expect(fishCompletes('hflogin config set endpoint ')).toEqual([]);
    expect(fishCompletes('hflogin -p ')).toEqual(['personal', 'work']);
    expect(fishCompletes('hflogin status --profile w')).toEqual(['work']);
  });
});

/**
 * zsh's completion runs only in its line editor: a real interactive `zsh -f` (no startup files, so
 * no compinit unless typed) in tmux, typed into as a person would, Tab included.
 */
describe.skipIf(zsh.skip || tmux.skip)('zsh completion', () => {
  let terminal: TerminalSession | undefined;
  afterEach(() => {
    terminal?.close();
    terminal = undefined;
  });

  async function zshSession(beforeScript: string[]): Promise<TerminalSession> {
    const env: NodeJS.ProcessEnv = { ...user.env, LC_ALL: 'C.UTF-8' };
    // Emacs key bindings (zsh picks vi ones from an EDITOR naming vi).
    delete env.EDITOR;
    delete env.VISUAL;
    const session = TerminalSession.start('zsh -f', env, { columns: 120, rows: 40 });
    terminal = session;
    // zsh drops what is typed before its first prompt (zsh -f's: host name and # or %).
    await session.waitFor(/[#%] *$/m);
    session.type("PS1='> '");
    session.press('Enter');
    await session.waitFor(/^> *$/m);
    /** Runs `line` at the prompt: what it prints is exactly `output`, then the next prompt. */
    const run = async (line: string, output: string[] = []) => {
      session.type(line);
      session.press('Enter');
      const lines = [line, ...output].map((text) => `${escapeRegExp(text)} *\n`).join('');
      expect((await session.waitFor(new RegExp(`^> ${lines}> *$`, 'm')))[0]).toContain(line);
    };
    for (const line of beforeScript) await run(line);
    // The script prints nothing (no error), and hflogin's completion is registered.
    await run('eval "$(hflogin completion zsh)"');
    await run('print -r -- compdef:$+functions[compdef] hflogin:$_comps[hflogin]', [
      'compdef:1 hflogin:_hflogin',
    ]);
    return session;
  }

  /**
   * Types `line` and Tab, and waits for what `expected` describes: the line as completed, or the
   * list zsh shows under it (its first group). Returns that, trailing spaces trimmed (tmux keeps
   * them; zsh puts one after a completed word).
   */
  async function tab(session: TerminalSession, line: string, expected: RegExp): Promise<string> {
    session.type(line);
    session.press('Tab');
    const match = await session.waitFor(expected);
    session.press('C-c');
    // The next line is typed only at a fresh, empty prompt: zsh takes Ctrl+C as a signal, and keys
    // typed before it has been handled land on the old line (seen under load in CI).
    await session.waitFor(/^> *(?![\s\S]*\S)/m);
    return (match[1] ?? match[0]).trimEnd();
  }

  it('works without compinit: --storage, shells, setting keys and profile names', async () => {
    const session = await zshSession([]);
    expect(await tab(session, 'hflogin login --storage k', /^> hflogin login --storage keychain *$/m)).toBe(
      '> hflogin login --storage keychain',
    );
    expect(await tab(session, 'hflogin completion z', /^> hflogin completion zsh *$/m)).toBe(
      '> hflogin completion zsh',
    );
    const shells = await tab(session, 'hflogin completion ', /^> hflogin completion *\n(\S.*)$/m);
    expect(shells.split(/\s+/)).toEqual(['bash', 'fish', 'zsh']);
    const keys = await tab(session, 'hflogin config set ', /^> hflogin config set *\n(\S.*)$/m);
    expect(keys.split(/\s+/)).toEqual([...settingKeys].sort());
    expect(await tab(session, 'hflogin config get dev', /^> hflogin config get device-app-id *$/m)).toBe(
      '> hflogin config get device-app-id',
    );
    const profiles = await tab(session, 'hflogin -p ', /^> hflogin -p *\n(\S.*)$/m);
    expect(profiles.split(/\s+/)).toEqual(['personal', 'work']);
    expect(await tab(session, 'hflogin whoami --profile w', /^> hflogin whoami --profile work *$/m)).toBe(
      '> hflogin whoami --profile work',
    );
  });

  it('works after compinit too', async () => {
    const session = await zshSession(['autoload -Uz compinit && compinit -i']);
    expect(await tab(session, 'hflogin login --storage f', /^> hflogin login --storage file *$/m)).toBe(
      '> hflogin login --storage file',
    );
    expect(await tab(session, 'hflogin -p p', /^> hflogin -p personal *$/m)).toBe('> hflogin -p personal');
  });
});

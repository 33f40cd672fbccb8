import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { parseCommandLine } from '../../src/program.js';

/** What a command line parses to (typed Options), without running the command: gh's login_test.go tables. */
function parsed(argv: string[]) {
  return parseCommandLine(argv, { stdout: new PassThrough(), stderr: new PassThrough() });
}

const globals = { profile: undefined, json: false, debug: false, color: true };
const loginDefaults = {
  ...globals,
  endpoint: undefined,
  appId: undefined,
  device: false,
  deviceAppId: undefined,
  connector: undefined,
  signUp: false,
  scope: [],
  resource: [],
  organization: undefined,
  loginHint: undefined,
  prompt: 'consent',
  selectAccount: false,
  port: 0,
  browser: true,
  timeout: 300,
  storage: undefined,
};

describe('argv → Options', () => {
  it.each<[string, string[], object]>([
    ['login: defaults', ['login'], loginDefaults],
    [
      'login: tenant, device, storage',
      [
        'login',
        '--endpoint',
        'https://t.example',
        '--app-id',
        'a1',
        '--device',
        '--device-app-id',
        'd1',
        '--storage',
        'file',
      ],
      {
        ...loginDefaults,
        endpoint: 'https://t.example',
        appId: 'a1',
        device: true,
        deviceAppId: 'd1',
        storage: 'file',
      },
    ],
    ['login: --no-connector', ['login', '--no-connector'], { ...loginDefaults, connector: false }],
    [
      'login: --connector github',
      ['login', '--connector', 'github'],
      { ...loginDefaults, connector: 'github' },
    ],
    [
      'login: repeatable and comma-separated scopes and resources',
      [
        'login',
        '--scope',
        'a b',
        '--scope',
        'c,d',
        '--resource',
        'https://api.one',
        '--resource',
        'https://api.two',
      ],
      { ...loginDefaults, scope: ['a', 'b', 'c', 'd'], resource: ['https://api.one', 'https://api.two'] },
    ],
    [
      'login: port, timeout, prompt, hint, organization, sign-up, no browser',
      [
        'login',
        '--port',
        '8085',
        '--timeout',
        '60',
        '--prompt',
        'login',
        '--login-hint',
        'al',
        '--organization',
        'o1',
        '--sign-up',
        '--no-browser',
      ],
      {
        ...loginDefaults,
        port: 8085,
        timeout: 60,
        prompt: 'login',
        loginHint: 'al',
        organization: 'o1',
        signUp: true,
        browser: false,
      },
    ],
    [
      'login: --select-account asks Logto for prompt=login consent',
      ['login', '--select-account'],
      { ...loginDefaults, selectAccount: true, prompt: 'login consent' },
    ],
    [
      'login: global options before and after the command',
      ['--profile', 'work', 'login', '--json', '--debug', '--no-color'],
      { ...loginDefaults, profile: 'work', json: true, debug: true, color: false },
    ],
    ['whoami', ['whoami'], globals],
    ['whoami --json', ['-p', 'w', 'whoami', '--json'], { ...globals, profile: 'w', json: true }],
    ['status --json', ['status', '--json'], { ...globals, json: true }],
    ['token', ['token'], { ...globals, resource: undefined, organization: undefined }],
    [
      'token --resource --organization --json',
      ['token', '--resource', 'https://api.one', '--organization', 'o1', '--json'],
      { ...globals, json: true, resource: 'https://api.one', organization: 'o1' },
    ],
    [
      'api: defaults',
      ['api', 'https://api.one/v1'],
      {
        ...globals,
        url: new URL('https://api.one/v1'),
        method: undefined,
        headers: [],
        rawFields: [],
        typedFields: [],
        input: undefined,
        include: false,
        resource: undefined,
        organization: undefined,
      },
    ],
    [
      'api: every flag, repeated ones kept whole and in order',
      [
        'api',
        '-X',
        'patch',
        '-H',
        'X-A: 1, 2',
        '--header',
        'x-b:3',
        '-f',
        'a=b=c',
        '--raw-field',
        'd=',
        '-F',
        'n=1,2',
        '--field',
        'f=@-',
        '-i',
        '--resource',
        'https://api.one',
        '--organization',
        'o1',
        'http://127.0.0.1:8080/x',
      ],
      {
        ...globals,
        url: new URL('http://127.0.0.1:8080/x'),
        method: 'PATCH',
        headers: [
          ['X-A', '1, 2'],
          ['x-b', '3'],
        ],
        rawFields: [
          { key: 'a', value: 'b=c' },
          { key: 'd', value: '' },
        ],
        typedFields: [
          { key: 'n', value: '1,2' },
          { key: 'f', value: '@-' },
        ],
        input: undefined,
        include: true,
        resource: 'https://api.one',
        organization: 'o1',
      },
    ],
    ['logout', ['logout'], { ...globals, all: false, browser: false }],
    ['logout --all', ['logout', '--all'], { ...globals, all: true, browser: false }],
    ['logout --browser', ['logout', '--browser'], { ...globals, all: false, browser: true }],
    ['config get', ['config', 'get', 'endpoint'], { ...globals, key: 'endpoint' }],
    ['config set', ['config', 'set', 'app-id', 'a1'], { ...globals, key: 'app-id', value: 'a1' }],
    ['config unset', ['config', 'unset', 'storage'], { ...globals, key: 'storage' }],
    ['config list --json', ['config', 'list', '--json'], { ...globals, json: true }],
    ['config init', ['--profile', 'p', 'config', 'init'], { ...globals, profile: 'p' }],
    ['doctor', ['doctor'], { ...globals, port: 0 }],
    ['doctor --port', ['doctor', '--port', '8085', '--json'], { ...globals, json: true, port: 8085 }],
    ['completion zsh', ['completion', 'zsh'], { shell: 'zsh' }],
  ])('%s', async (_name, argv, options) => {
    expect((await parsed(argv)).options).toEqual(options);
  });

  it.each<[string, string[], RegExp]>([
    ['a port out of range', ['login', '--port', '70000'], /--port must be a whole number from 0 to 65535/],
    ['a negative timeout', ['login', '--timeout', '-1'], /--timeout must be a whole number/],
    [
      'a storage kind hflogin does not know',
      ['login', '--storage', 'plaintext'],
      /Allowed choices are keychain, file/,
    ],
    [
      '--select-account with a --prompt of its own',
      ['login', '--select-account', '--prompt', 'login'],
      /--select-account sends prompt=login consent itself/,
    ],
    [
      '--select-account with --device',
      ['login', '--select-account', '--device'],
      /--select-account works with the browser sign-in/,
    ],
    ['a shell without completion', ['completion', 'nope'], /No completion for "nope"/],
    ['doctor --port out of range', ['doctor', '--port', 'x'], /--port must be a whole number/],
    ['a setting config does not know', ['config', 'set', 'colour', 'blue'], /Unknown setting "colour"/],
  ])('refuses %s', async (_name, argv, message) => {
    await expect(parsed(argv)).rejects.toThrow(message);
  });

  it('names the command it parsed, subcommands by their parent', async () => {
    expect((await parsed(['config', 'set', 'endpoint', 'https://t.example'])).command).toBe('set');
    expect((await parsed(['whoami'])).command).toBe('whoami');
  });
});

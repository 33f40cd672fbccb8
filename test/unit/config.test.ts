import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { endpointString, parseEndpoint } from '../../src/config/endpoint.js';
import { configDir } from '../../src/config/paths.js';
import { readConfig, updateProfile } from '../../src/config/profiles.js';
import { resolveSettings } from '../../src/config/settings.js';
import { ExitCode } from '../../src/io/errors.js';

describe('endpoint', () => {
  it.each([
    ['https://tenant.logto.app', 'https://tenant.logto.app'],
    ['https://tenant.logto.app/', 'https://tenant.logto.app'],
    ['https://tenant.logto.app/oidc', 'https://tenant.logto.app'],
    ['https://auth.example.com/logto/?x=1#y', 'https://auth.example.com/logto'],
    ['http://127.0.0.1:3001', 'http://127.0.0.1:3001'],
    ['http://localhost:3001/', 'http://localhost:3001'],
    ['http://[::1]:3001', 'http://[::1]:3001'],
  ])('%s → %s', (input, expected) => {
    expect(endpointString(parseEndpoint(input))).toBe(expected);
  });

  it.each([
    'tenant.logto.app',
    'http://tenant.logto.app',
    'ftp://tenant.logto.app',
    'https://user:pw@tenant.logto.app',
  ])('refuses %s with exit 2', (input) => {
    expect(() => parseEndpoint(input)).toThrow(expect.objectContaining({ exitCode: ExitCode.usage }));
  });
});

describe('config', () => {
  it('lives in HFLOGIN_CONFIG_DIR, else the platform config directory', () => {
    expect(configDir({ HFLOGIN_CONFIG_DIR: '/x' }, 'linux')).toBe('/x');
    expect(configDir({ XDG_CONFIG_HOME: '/xdg', HOME: '/h' }, 'linux')).toBe('/xdg/hflogin');
    expect(configDir({ HOME: '/h' }, 'linux')).toBe('/h/.config/hflogin');
    expect(configDir({ HOME: '/h' }, 'darwin')).toBe('/h/Library/Application Support/hflogin');
    expect(configDir({ APPDATA: 'C:\\AppData', HOME: '/h' }, 'win32')).toContain('hflogin');
  });

  it('writes profiles atomically, 0600 in a 0700 directory, merging changes', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hflogin-config-')), 'nested');
    await updateProfile(dir, 'default', { endpoint: 'https://a.example', appId: 'one' });
    await updateProfile(dir, 'default', { storage: 'file' });
    await updateProfile(dir, 'work', { endpoint: 'https://b.example' });
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(await readConfig(dir)).toEqual({
      schemaVersion: 1,
      profiles: {
        default: { endpoint: 'https://a.example', appId: 'one', storage: 'file' },
        work: { endpoint: 'https://b.example' },
      },
    });
    expect(readFileSync(join(dir, 'config.json'), 'utf8').endsWith('\n')).toBe(true);
  });

  it('resolves settings: flag > environment > profile > default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hflogin-config-'));
    await updateProfile(dir, 'default', {
      endpoint: 'https://profile.example',
      appId: 'profile-app',
      storage: 'file',
    });
    const env = { HFLOGIN_CONFIG_DIR: dir };
    expect(await resolveSettings({}, env)).toMatchObject({
      profile: 'default',
      endpoint: 'https://profile.example',
      appId: 'profile-app',
      storage: 'file',
    });
    const fromEnv = {
      ...env,
      HFLOGIN_ENDPOINT: 'https://env.example',
      HFLOGIN_APP_ID: 'env-app',
      HFLOGIN_STORAGE: 'keychain',
    };
    expect(await resolveSettings({}, fromEnv)).toMatchObject({
      endpoint: 'https://env.example',
      appId: 'env-app',
      storage: 'keychain',
    });
    expect(
      await resolveSettings(
        { endpoint: 'https://flag.example', appId: 'flag-app', storage: 'file' },
        fromEnv,
      ),
    ).toMatchObject({ endpoint: 'https://flag.example', appId: 'flag-app', storage: 'file' });
    expect(await resolveSettings({}, { HFLOGIN_CONFIG_DIR: dir, HFLOGIN_PROFILE: 'other' })).toMatchObject({
      profile: 'other',
      endpoint: undefined,
      storage: 'keychain',
    });
  });

  it('refuses a bad profile name or storage kind with exit 2', async () => {
    const env = { HFLOGIN_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'hflogin-config-')) };
    await expect(resolveSettings({ profile: '../etc' }, env)).rejects.toMatchObject({
      exitCode: ExitCode.usage,
    });
    await expect(resolveSettings({}, { ...env, HFLOGIN_STORAGE: 'plaintext' })).rejects.toMatchObject({
      exitCode: ExitCode.usage,
    });
  });
});

describe('config command', () => {
  it('lists in its help exactly the settings it knows', async () => {
    const { keys } = await import('../../src/config/settingKeys.js');
    const { config } = await import('../../src/commands/config/definition.js');
    const names = Object.keys(keys).join(', ');
    expect(config.summary).toContain(`(${names})`);
    expect(config.subcommands!.find((sub) => sub.name.startsWith('set '))!.summary).toContain(`(${names})`);
  });
});

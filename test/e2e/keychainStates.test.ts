import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { hfloginBin } from '../helpers/hfloginProcess.js';
import { requireSystemPiece } from '../helpers/systemPieces.js';

const tools = ['dbus-run-session', 'gnome-keyring-daemon', 'dbus-send'].filter(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0,
);
const { skip } = requireSystemPiece(
  'a private gnome-keyring',
  tools.length ? `missing ${tools.join(', ')}` : undefined,
);

/**
 * A locked keychain (and a refused unlock prompt, which is what locked looks like with nobody to
 * answer it): login stops with exit 6 and the reason in words, before any browser opens and
 * without writing anything — never a silent plaintext fallback.
 */
describe.skipIf(skip)('keychain states', () => {
  it('exits 6 with the reason when the keychain is locked', () => {
    const home = mkdtempSync(join(tmpdir(), 'hflogin-locked-'));
    const configDir = join(home, 'config');
    const browserLog = join(home, 'browser.log');
    const runtimeDir = join(home, 'run');
    mkdirSync(runtimeDir, { mode: 0o700 });
    const script = `
      eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)"
      # Create the login collection, then lock it.
      ${JSON.stringify(process.execPath)} -e "const { Entry } = require('@napi-rs/keyring'); new Entry('hflogin-probe','p',{linux:{store:'secret-service'}}).setPassword('p')"
      dbus-send --session --dest=org.freedesktop.secrets --type=method_call --print-reply \\
        /org/freedesktop/secrets org.freedesktop.Secret.Service.Lock \\
        array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
      ${JSON.stringify(process.execPath)} ${JSON.stringify(hfloginBin)} login --endpoint http://127.0.0.1:9 --app-id x
    `;
    const result = spawnSync('dbus-run-session', ['--', 'bash', '-c', script], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: {
        ...process.env,
        HOME: home,
        XDG_DATA_HOME: join(home, 'data'),
        // Its own runtime dir: gnome-keyring finds a running daemon through the control socket
        // there, and this test must lock a keyring of its own, never the suite's shared one.
        XDG_RUNTIME_DIR: runtimeDir,
        GNOME_KEYRING_CONTROL: '',
        DISPLAY: '',
        HFLOGIN_CONFIG_DIR: configDir,
        HFLOGIN_STORAGE: '',
        BROWSER: join(import.meta.dirname, '..', 'helpers', 'recordBrowser.mjs'),
        HFLOGIN_TEST_BROWSER_LOG: browserLog,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(6);
    // In words: gnome-keyring's own text ("Secret Service: unlock prompt was dismissed") is --debug's.
    expect(result.stderr).toContain(
      'Error: The OS keychain cannot be used: the keyring is locked, and its unlock prompt was dismissed or could not be shown (it needs a display).',
    );
    expect(result.stderr).not.toMatch(/Platform failure|Couldn't access platform storage|Secret Service: /);
    expect(result.stderr).toContain('--storage file');
    expect(existsSync(browserLog)).toBe(false);
    expect(existsSync(join(configDir, 'config.json'))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';

import { browserAvailability, type HostFacts } from '../../src/io/browserAvailability.js';

const linuxDesktop: HostFacts = {
  platform: 'linux',
  env: { DISPLAY: ':0' },
  isContainer: false,
  isWsl: false,
};

describe('can a browser open where the person is?', () => {
  it.each<[string, Partial<HostFacts>, boolean, RegExp?]>([
    ['a Linux desktop (X11)', {}, true],
    ['a Linux desktop (Wayland)', { env: { WAYLAND_DISPLAY: 'wayland-0' } }, true],
    ['Linux without a display', { env: {} }, false, /no graphical display/],
    ['Linux without a display but $BROWSER set', { env: { BROWSER: 'w3m' } }, true],
    [
      'an SSH session with X forwarding',
      { env: { DISPLAY: 'localhost:10.0', SSH_CONNECTION: '1 2 3 4' } },
      false,
      /SSH/,
    ],
    ['an SSH session (SSH_CLIENT only)', { env: { SSH_CLIENT: '10.0.0.1 5000 22' } }, false, /SSH/],
    ['an SSH session (SSH_TTY only)', { env: { SSH_TTY: '/dev/pts/0' } }, false, /SSH/],
    ['SSH with $BROWSER set', { env: { SSH_CONNECTION: '1 2 3 4', BROWSER: 'lynx' } }, true],
    ['a container with a display variable', { isContainer: true }, false, /container/],
    ['a container with $BROWSER', { isContainer: true, env: { BROWSER: '/usr/bin/true' } }, true],
    ['WSL without DISPLAY (the Windows browser opens)', { isWsl: true, env: {} }, true],
    ['WSL over SSH', { isWsl: true, env: { SSH_CONNECTION: '1 2 3 4' } }, false, /SSH/],
    ['macOS', { platform: 'darwin', env: {} }, true],
    ['macOS over SSH', { platform: 'darwin', env: { SSH_TTY: '/dev/ttys001' } }, false, /SSH/],
    ['Windows', { platform: 'win32', env: {} }, true],
    ['FreeBSD without a display', { platform: 'freebsd', env: {} }, false, /no graphical display/],
  ])('%s', (_name, facts, canOpen, reason) => {
    const result = browserAvailability({ ...linuxDesktop, ...facts });
    expect(result.canOpen).toBe(canOpen);
    if (!result.canOpen) expect(result.reason).toMatch(reason!);
  });
});

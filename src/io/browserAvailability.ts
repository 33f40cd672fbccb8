/** What decides whether a browser can open where the person is. */
export interface HostFacts {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  isContainer: boolean;
  isWsl: boolean;
}

export type BrowserAvailability = { canOpen: true } | { canOpen: false; reason: string };

/**
 * Whether opening a browser here can reach the person. `$BROWSER` is always honoured (they said
 * how). Over SSH a browser would open on the remote machine, not in front of them; in a container
 * or on Linux without DISPLAY/WAYLAND_DISPLAY there is nothing to open one on. WSL opens the Windows
 * browser, and the loopback is reachable from it.
 */
export function browserAvailability(facts: HostFacts): BrowserAvailability {
  const { env } = facts;
  if (env.BROWSER) return { canOpen: true };
  if (env.SSH_CONNECTION || env.SSH_CLIENT || env.SSH_TTY) {
    return {
      canOpen: false,
      reason: 'this is an SSH session, so a browser would open on the remote machine',
    };
  }
  if (facts.isWsl) return { canOpen: true };
  if (facts.isContainer) return { canOpen: false, reason: 'this runs in a container, which has no browser' };
  if (facts.platform !== 'darwin' && facts.platform !== 'win32' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return {
      canOpen: false,
      reason: 'there is no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)',
    };
  }
  return { canOpen: true };
}

import { spawn } from 'node:child_process';

export interface BrowserResult {
  opened: boolean;
  /** How, or why not. */
  detail: string;
}

export type BrowserOpener = (url: string) => Promise<BrowserResult>;

/**
 * Opens the sign-in URL: `$BROWSER` when set (run directly with the URL as its only argument, no
 * shell, so the URL is never interpreted), otherwise the system opener through the `open` package.
 * Failing to open is not an error: the URL is always printed too.
 */
export function systemBrowserOpener(env: NodeJS.ProcessEnv): BrowserOpener {
  return async (url) => {
    if (env.BROWSER) {
      const command = env.BROWSER;
      return new Promise<BrowserResult>((resolve) => {
        const child = spawn(command, [url], { stdio: 'ignore', detached: true, env });
        child.once('error', (error) =>
          resolve({ opened: false, detail: `$BROWSER (${command}) failed: ${error.message}` }),
        );
        child.once('spawn', () => {
          child.unref();
          resolve({ opened: true, detail: `$BROWSER (${command})` });
        });
      });
    }
    try {
      const { default: open } = await import('open');
      await open(url, { wait: false });
      return { opened: true, detail: 'the system browser' };
    } catch (error) {
      return {
        opened: false,
        detail: `no browser could be opened: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  };
}

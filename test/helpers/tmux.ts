import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { requireSystemPiece } from './systemPieces.js';

export function tmuxAvailability(): { skip: boolean } {
  const probe = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  return requireSystemPiece('tmux', probe.status === 0 ? undefined : 'tmux not found (apt-get install tmux)');
}

/**
 * A real terminal for the CLI: a detached tmux server of its own, read with capture-pane and
 * typed into with send-keys, as a person would.
 */
export class TerminalSession {
  private constructor(private readonly socket: string) {}

  /**
   * Runs `command` (a shell command line) in a terminal of `size` (200×60 unless given); the pane
   * stays after it exits.
   */
  static start(
    command: string,
    env: NodeJS.ProcessEnv,
    size: { columns: number; rows: number } = { columns: 200, rows: 60 },
  ): TerminalSession {
    const socket = `hflogin-test-${randomBytes(4).toString('hex')}`;
    const result = spawnSync(
      'tmux',
      [
        '-L',
        socket,
        '-f',
        '/dev/null',
        'new-session',
        '-d',
        '-s',
        'main',
        '-x',
        String(size.columns),
        '-y',
        String(size.rows),
        `${command}; echo "[exit $?]"; sleep 120`,
      ],
      { env, encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`tmux failed to start: ${result.stderr}`);
    return new TerminalSession(socket);
  }

  /** The whole screen and scrollback, wrapped lines joined. */
  screen(): string {
    return spawnSync('tmux', ['-L', this.socket, 'capture-pane', '-p', '-J', '-S', '-', '-t', 'main'], {
      encoding: 'utf8',
    }).stdout;
  }

  /** What the terminal shows now, row by row (no scrollback, a wrapped line on each of its rows). */
  rows(): string[] {
    return spawnSync('tmux', ['-L', this.socket, 'capture-pane', '-p', '-t', 'main'], {
      encoding: 'utf8',
    }).stdout.split('\n');
  }

  /** The window resized, as a person drags its edge: the program gets SIGWINCH. */
  resize(columns: number): void {
    spawnSync('tmux', ['-L', this.socket, 'resize-window', '-t', 'main', '-x', String(columns)]);
  }

  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.screen());
      if (match) return match;
      if (Date.now() > deadline)
        throw new Error(`terminal never showed ${pattern}; screen:\n${this.screen()}`);
      await sleep(100);
    }
  }

  type(text: string): void {
    spawnSync('tmux', ['-L', this.socket, 'send-keys', '-t', 'main', '-l', text]);
  }

  press(...keys: string[]): void {
    spawnSync('tmux', ['-L', this.socket, 'send-keys', '-t', 'main', ...keys]);
  }

  close(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}

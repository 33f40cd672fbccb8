import { PassThrough } from 'node:stream';

import { systemProcesses, systemRandom } from '../../src/system.js';
import type { CommandDeps } from '../../src/commands/deps.js';
import { createHttpClient } from '../../src/io/httpClient.js';
import { FileStore } from '../../src/storage/fileStore.js';
import { KeychainStore, type KeyringBackend } from '../../src/storage/keychainStore.js';

/**
 * An in-memory keychain with Windows Credential Manager's limit: a credential blob holds at most
 * 2,560 bytes, counted here as UTF-16 (the stricter reading).
 */
export class MemoryKeyring implements KeyringBackend {
  readonly entries = new Map<string, string>();
  failWith: Error | undefined;
  static readonly maxBlobBytes = 2_560;

  private guard() {
    if (this.failWith) throw this.failWith;
  }
  async get(account: string) {
    this.guard();
    return this.entries.get(account) ?? null;
  }
  async set(account: string, value: string) {
    this.guard();
    if (Buffer.byteLength(value, 'utf16le') > MemoryKeyring.maxBlobBytes) {
      throw new Error(`credential too large (${Buffer.byteLength(value, 'utf16le')} bytes)`);
    }
    this.entries.set(account, value);
  }
  async delete(account: string) {
    this.guard();
    return this.entries.delete(account);
  }
  async list() {
    this.guard();
    return [...this.entries.keys()];
  }
}

/** Command dependencies with captured output, for in-process command tests. */
export function fakeDeps(overrides: Partial<CommandDeps> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const keyring = new MemoryKeyring();
  const deps: CommandDeps = {
    stdin: new PassThrough(),
    stdout,
    stderr,
    env: {},
    now: Date.now,
    signal: new AbortController().signal,
    critical: (work) => work(),
    interrupt: () => undefined,
    http: createHttpClient({}),
    random: systemRandom,
    processes: systemProcesses,
    hostFacts: () => ({ platform: 'linux', env: {}, isContainer: false, isWsl: false }),
    openBrowser: async () => ({ opened: false, detail: 'test: no browser' }),
    openStore: async (kind, dir) => (kind === 'file' ? new FileStore(dir) : new KeychainStore(keyring)),
    ...overrides,
  };
  return { deps, keyring, output: () => ({ out, err }) };
}

import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';

import { createLocalJWKSet } from 'jose';
import type Provider from 'oidc-provider';

import { AccountStore } from './accounts.js';
import { AdapterStore } from './adapter.js';
import { Experience } from './experience.js';
import { sendJson } from './http.js';
import { HuggingFaceUpstream, type HuggingFaceOAuthApp } from './huggingface.js';
import { generateSigningKey } from './keys.js';
import { protectedApi, type ProtectedApiStats } from './protectedApi.js';
import { resolveOptions, type EmulatorOptions, type EmulatorOverrides, type Fault } from './options.js';
import { createProvider } from './provider.js';
import { emptyStats, type EmulatorEvents, type EmulatorState, type EmulatorStats } from './state.js';

export type { EmulatorOptions, Fault, RefreshFault } from './options.js';
export type { EchoAnswer, ProtectedApiStats } from './protectedApi.js';
export type { EmulatorEvents } from './state.js';
export { faults } from './options.js';

export interface Emulator {
  /** e.g. http://127.0.0.1:41234 — what `hflogin --endpoint` takes. */
  endpoint: string;
  /** `${endpoint}/oidc`, like Logto. */
  issuer: string;
  appId: string;
  deviceAppId: string;
  /** Live options: change `fault`, `huggingFaceConnector`… between requests. */
  options: EmulatorOptions;
  stats: EmulatorStats;
  /** Moments a test may act on, e.g. `refresh` while a refresh response is held back. */
  events: EventEmitter<EmulatorEvents>;
  accounts: AccountStore;
  provider: Provider;
  /** The resource indicator of each API it serves itself (options.protectedApis), by path. */
  protectedApis: Record<string, string>;
  /** What those APIs answered (test/emulator/protectedApi.ts). */
  apiStats: ProtectedApiStats;
  /** The OAuth app the Logto side's Hugging Face connector uses at the upstream. */
  huggingFaceApp: HuggingFaceOAuthApp;
  setFault(fault: Fault | null): void;
  /** Whether the grant is still alive (it is gone after revocation or refresh token reuse). */
  grantAlive(grantId: string): boolean;
  /** The grant an opaque access or refresh token belongs to, while the token lives. */
  grantOf(token: string): Promise<string | undefined>;
  /** The accounts signed in to a live browser session (Logto's `_session` cookie), one per session. */
  browserSessions(): string[];
  close(): Promise<void>;
}

const mountPath = '/oidc';

export async function startEmulator(overrides: EmulatorOverrides = {}): Promise<Emulator> {
  const options = resolveOptions(overrides);
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert })
    : createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const scheme = options.tls ? 'https' : 'http';
  const endpoint = `${scheme}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;

  // The APIs it serves are API resources whose indicator is their URL here (known only now).
  const protectedApis = Object.fromEntries(
    options.protectedApis.map((seed) => [seed.path, `${endpoint}${seed.path}`]),
  );
  options.resources = [
    ...options.resources,
    ...options.protectedApis.map((seed) => ({
      indicator: protectedApis[seed.path]!,
      name: seed.name,
      scopes: seed.scopes,
      accessTokenTtl: seed.accessTokenTtl,
    })),
  ];

  const state: EmulatorState = {
    options,
    endpoint,
    issuer: `${endpoint}${mountPath}`,
    accounts: new AccountStore(options.users, options.huggingFaceUsers, options.organizations),
    store: new AdapterStore(() => options.refreshTokenReuseIntervalSeconds),
    signingKey: await generateSigningKey(options.signingAlg, randomBytes(8).toString('hex')),
    stats: emptyStats(),
    events: new EventEmitter<EmulatorEvents>(),
  };

  const provider = createProvider(state);
  const huggingFaceApp = {
    clientId: 'logto-huggingface-connector',
    clientSecret: randomBytes(16).toString('hex'),
    name: 'Logto (hflogin emulator)',
    redirectUri: `${endpoint}/callback/huggingface`,
  };
  const huggingFace = new HuggingFaceUpstream(huggingFaceApp, () => state.options.huggingFaceUsers);
  const experience = new Experience(state, provider, huggingFaceApp);
  const oidc = provider.callback();
  // Checked against the key the tenant's JWKS (/oidc/jwks) publishes: the public half of its signing key.
  const { d: _private, ...publicJwk } = state.signingKey.privateJwk;
  const api = protectedApi({
    issuer: state.issuer,
    keys: createLocalJWKSet({ keys: [publicJwk] }),
    routes: options.protectedApis.map((seed) => ({
      path: seed.path,
      resource: protectedApis[seed.path]!,
      requiredScopes: seed.requiredScopes,
    })),
  });

  server.on(options.tls ? 'secureConnection' : 'connection', () => (state.stats.connections += 1));
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    state.stats.requests += 1;
    void dispatch(req, res).catch((error: unknown) => {
      console.error('[emulator] request failed:', error);
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: String(error) });
      else res.destroy();
    });
  });

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', endpoint);
    if (url.pathname === mountPath || url.pathname.startsWith(`${mountPath}/`)) {
      if (await networkFault(res)) return;
      // A provider whose clock is off says so in its Date header too.
      if (options.clockSkewSeconds)
        res.setHeader('date', new Date(Date.now() + options.clockSkewSeconds * 1000).toUTCString());
      // Mounted like Logto's `mount('/oidc', provider.app)`: oidc-provider derives its mount path
      // from originalUrl vs url.
      const request = req as IncomingMessage & { originalUrl?: string };
      request.originalUrl = req.url;
      request.url = (req.url ?? '/').slice(mountPath.length) || '/';
      await oidc(req, res);
      return;
    }
    // Logto's shorthand for the device page (koa-device-flow-shortcut.ts): the verification URI it
    // hands out is `/device`, which sends a first visit on to oidc-provider's `/oidc/device`.
    if (req.method === 'GET' && url.pathname === '/device') {
      res.writeHead(302, { location: `${mountPath}/device${url.search}` });
      res.end();
      return;
    }
    if (await huggingFace.handle(req, res, url)) return;
    if (await api.handle(req, res, url)) return;
    if (await experience.handle(req, res, url)) return;
    sendJson(res, 404, {
      error: 'not_found',
      error_description: `${req.method} ${url.pathname} is not served here`,
    });
  }

  /** options.networkFault, applied to a provider request; true when it answered for the provider. */
  async function networkFault(res: ServerResponse): Promise<boolean> {
    switch (options.networkFault) {
      case 'slow':
        await sleep(options.slowMs);
        return false;
      case 'http_500':
        res.writeHead(500, { 'content-type': 'text/html' });
        res.end('<h1>Internal Server Error</h1>');
        return true;
      case 'malformed_json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"issuer": "trunc');
        return true;
      default:
        return false;
    }
  }

  const nativeApp = options.apps.find((app) => app.kind === 'native');
  const deviceApp = options.apps.find((app) => app.kind === 'device');

  return {
    endpoint,
    issuer: state.issuer,
    appId: nativeApp?.id ?? '',
    deviceAppId: deviceApp?.id ?? '',
    options,
    stats: state.stats,
    events: state.events,
    accounts: state.accounts,
    provider,
    huggingFaceApp,
    protectedApis,
    apiStats: api.stats,
    setFault(fault) {
      options.fault = fault;
    },
    grantAlive: (grantId) => state.store.grantAlive(grantId),
    async grantOf(token) {
      const found = (await provider.AccessToken.find(token)) ?? (await provider.RefreshToken.find(token));
      return found?.grantId;
    },
    browserSessions: () => state.store.liveAccounts('Session'),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Another local user, as its own process (test/e2e/loginCsrf.test.ts bundles and starts it). He can
 * read every browser's command line (here: the recorder's log, the stand-in for
 * /proc/<pid>/cmdline), knows what is public (the tenant, the app ID), and has his own account at
 * the provider. argv: browserLog, issuer, appId.
 *
 * He waits for a browser to be started, takes what its argv says (the loopback's port; a state if
 * there were one), signs in as bob-hf and delivers his code to that loopback twice: with the state
 * from argv (his own, when argv has none), and with no state. Prints one JSON line: what argv held
 * and the loopback's statuses.
 */
import { recordedBrowserArgv } from './hfloginProcess.js';
import { browseToCallback } from './httpUserAgent.js';

const [browserLog, issuer, appId] = process.argv.slice(2);
if (!browserLog || !issuer || !appId) {
  console.error('usage: csrfAttacker <browserLog> <issuer> <appId>');
  process.exit(2);
}

const argv = await recordedBrowserArgv(browserLog, 60_000);
const seen = new URL(argv[0]!);
const loopback = `${seen.origin}/callback`;
const stateFromArgv = seen.searchParams.get('state');

const authorization = new URL(`${issuer}/auth`);
authorization.search = new URLSearchParams({
  client_id: appId,
  response_type: 'code',
  redirect_uri: loopback,
  scope: 'openid offline_access profile email identities',
  prompt: 'consent',
  state: stateFromArgv ?? 'bobs-own-state',
  nonce: seen.searchParams.get('nonce') ?? 'bobs-own-nonce',
  code_challenge: seen.searchParams.get('code_challenge') ?? 'B'.repeat(43),
  code_challenge_method: 'S256',
  direct_sign_in: 'social:huggingface',
}).toString();
const callback = new URL(await browseToCallback(authorization, { user: 'bob-hf' }));
const withState = (await fetch(callback)).status;
callback.searchParams.delete('state');
const withoutState = (await fetch(callback)).status;
console.log(JSON.stringify({ argv, stateFromArgv, withState, withoutState }));

import type { Command } from 'commander';

import { writeLine } from '../io/terminal.js';
import { displayName, huggingFaceIdentity, userSummary } from '../logto/profile.js';
import { fetchUserinfo, isTokenRefused } from '../oauth/userinfo.js';
import { validToken } from '../session/validToken.js';
import type { CommandDeps } from './deps.js';
import { requireSession } from './signedInSession.js';

export interface WhoamiOptions {
  profile?: string;
  json?: boolean;
}

/** SPEC's `whoami --json` schema, version 1: fields are only ever added. */
export interface WhoamiJson {
  schemaVersion: 1;
  profile: string;
  endpoint: string;
  user: {
    id: string;
    username: string | null;
    name: string | null;
    email: string | null;
    picture: string | null;
  };
  huggingface: {
    id: string;
    username: string | null;
    name: string | null;
    email: string | null;
    avatarUrl: string | null;
  } | null;
  session: { accessTokenExpiresAt: string; scopes: string[]; storage: 'keychain' | 'file' };
}

/** `hflogin whoami`: who is signed in, read fresh from userinfo (refreshing the token first if needed). */
export async function runWhoami(options: WhoamiOptions, deps: CommandDeps): Promise<void> {
  const { settings, store, session: stored, context } = await requireSession(options.profile, deps);
  const provider = await context.provider();
  let { session } = await validToken(context, stored);
  let userinfo;
  try {
    userinfo = await fetchUserinfo(provider, session.accessToken, session.user.id, deps.signal);
  } catch (error) {
    // The provider refused a token we thought valid (revoked, or clocks disagree): refresh once.
    if (!isTokenRefused(error) || !session.refreshToken) throw error;
    ({ session } = await validToken(context, session, {}, true));
    userinfo = await fetchUserinfo(provider, session.accessToken, session.user.id, deps.signal);
  }
  const user = userSummary(userinfo);
  const huggingface = huggingFaceIdentity(userinfo);

  if (options.json) {
    const output: WhoamiJson = {
      schemaVersion: 1,
      profile: settings.profile,
      endpoint: session.endpoint,
      user,
      huggingface,
      session: {
        accessTokenExpiresAt: session.accessTokenExpiresAt,
        scopes: session.scopes,
        storage: store.kind,
      },
    };
    writeLine(deps.stdout, JSON.stringify(output));
    return;
  }
  const host = new URL(session.endpoint).host;
  const hf = huggingface?.username
    ? `Hugging Face: ${huggingface.username}`
    : 'no Hugging Face account linked';
  writeLine(deps.stdout, `Signed in to ${host} as ${displayName(user)} — ${hf}`);
}

export function registerWhoami(program: Command, deps: CommandDeps): void {
  program
    .command('whoami')
    .description('show who is signed in: the Logto user and the Hugging Face identity')
    .option('--json', 'one JSON object on stdout (schemaVersion 1)')
    .action(async (_options: unknown, command: Command) => {
      await runWhoami(command.optsWithGlobals<WhoamiOptions>(), deps);
    });
}

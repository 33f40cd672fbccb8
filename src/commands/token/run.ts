import { writeJson, writeLine } from '../../io/terminal.js';
import { validateOrganizationId, validateResource } from '../../logto/authorizationParameters.js';
import type { Audience } from '../../session/audience.js';
import type { CommandDeps } from '../deps.js';
import { profileSession } from '../profileSession.js';

export interface TokenOptions {
  profile?: string;
  resource?: string;
  organization?: string;
  json?: boolean;
}

/** SPEC's `token --json`, version 1. */
export interface TokenJson {
  schemaVersion: 1;
  accessToken: string;
  tokenType: string;
  expiresAt: string;
  scope: string;
  resource: string | null;
  organization: string | null;
}

/**
 * `hflogin token`: a valid access token on stdout (the only output that ever carries a token),
 * refreshed first when little of its life is left. `--resource` gives a JWT for that API,
 * `--organization` an organization token; each is cached per audience until it expires.
 */
export async function runToken(options: TokenOptions, deps: CommandDeps): Promise<void> {
  const audience: Audience = { resource: options.resource, organization: options.organization };
  // The same checks as login: a resource is an absolute URI, an organization ID a plain token.
  if (audience.resource) validateResource(audience.resource);
  if (audience.organization !== undefined) validateOrganizationId(audience.organization);
  const { owner } = await profileSession({ profile: options.profile }, deps);
  const { token } = await owner.accessToken(audience);
  if (options.json) {
    const output: TokenJson = {
      schemaVersion: 1,
      accessToken: token.accessToken,
      tokenType: token.tokenType,
      expiresAt: token.expiresAt,
      scope: token.scope.join(' '),
      resource: audience.resource ?? null,
      organization: audience.organization ?? null,
    };
    writeJson(deps.stdout, output);
    return;
  }
  writeLine(deps.stdout, token.accessToken);
}

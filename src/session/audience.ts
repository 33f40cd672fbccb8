/** Who a token is for: the default (userinfo), an API resource, an organization, or both. */
export interface Audience {
  resource?: string;
  organization?: string;
}

/** The key a token is cached under in the session ('' is the session's own access token). */
export function audienceKey(audience: Audience): string {
  return [
    audience.organization ? `organization:${audience.organization}` : '',
    audience.resource ? `resource:${audience.resource}` : '',
  ]
    .filter(Boolean)
    .join('|');
}

/** The audience a cached token is for, from its key (the inverse of audienceKey). */
export function audienceOfKey(key: string): Audience {
  const audience: Audience = {};
  for (const part of key.split('|')) {
    if (part.startsWith('organization:')) audience.organization = part.slice('organization:'.length);
    else if (part.startsWith('resource:')) audience.resource = part.slice('resource:'.length);
  }
  return audience;
}

/** "https://api.example.com", "organization org-1", or "https://api.example.com in organization org-1". */
export function describeAudience(audience: Audience): string {
  const organization = audience.organization ? `organization ${audience.organization}` : '';
  if (!audience.resource) return organization;
  return organization ? `${audience.resource} in ${organization}` : audience.resource;
}

/**
 * The API resources a session was granted: those its sign-in asked for (`login --resource`), and —
 * for a session saved before that was recorded — those it already holds a token for.
 */
export function grantedResources(session: {
  resources?: string[];
  audiences?: Record<string, unknown>;
}): string[] {
  const cached = Object.keys(session.audiences ?? {})
    .map((key) => audienceOfKey(key).resource)
    .filter((resource): resource is string => resource !== undefined);
  return [...new Set([...(session.resources ?? []), ...cached])];
}

/**
 * The resource whose indicator `url` starts with, the longest if several do, or undefined. A
 * prefix by URL, not by text: the same scheme, host and port, and a path that is the indicator's
 * or goes on below it at a `/` — so the token for https://api.example.com never goes to
 * https://api.example.com.evil.test, nor the one for …/v1 to …/v10.
 */
export function resourceForUrl(url: URL, resources: readonly string[]): string | undefined {
  let best: { resource: string; length: number } | undefined;
  for (const resource of resources) {
    if (!URL.canParse(resource)) continue;
    const indicator = new URL(resource);
    if (indicator.origin !== url.origin || indicator.origin === 'null') continue;
    const base = indicator.pathname.replace(/\/+$/, '');
    const covers = url.pathname === base || url.pathname.startsWith(`${base}/`) || base === '';
    if (covers && (!best || base.length > best.length)) best = { resource, length: base.length };
  }
  return best?.resource;
}

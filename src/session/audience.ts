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

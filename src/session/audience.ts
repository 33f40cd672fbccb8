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

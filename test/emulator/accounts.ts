import { randomBytes } from 'node:crypto';

import type { HuggingFaceUser, LogtoUserSeed, OrganizationSeed } from './options.js';

export interface SocialIdentity {
  userId: string;
  details: { id: string; name?: string; avatar?: string; email?: string; rawData: Record<string, unknown> };
}

export interface LogtoUser {
  id: string;
  username: string | null;
  password: string | undefined;
  name: string | null;
  primaryEmail: string | null;
  primaryPhone: string | null;
  avatar: string | null;
  identities: Record<string, SocialIdentity>;
  customData: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** Logto's user ids are 12 lowercase alphanumerics. */
export function newUserId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(12)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/**
 * What Logto's Hugging Face connector makes of Hugging Face's userinfo: `sub` → id, `picture` →
 * avatar; everything else (preferred_username, isPro, orgs) survives only in rawData.
 */
export function socialIdentityFrom(userinfo: Record<string, unknown>): SocialIdentity {
  const id = String(userinfo.sub);
  const details: SocialIdentity['details'] = { id, rawData: userinfo };
  if (typeof userinfo.name === 'string') details.name = userinfo.name;
  if (typeof userinfo.picture === 'string') details.avatar = userinfo.picture;
  if (typeof userinfo.email === 'string') details.email = userinfo.email;
  return { userId: id, details };
}

export function huggingFaceUserinfo(user: HuggingFaceUser, scopes: Set<string>): Record<string, unknown> {
  const info: Record<string, unknown> = { sub: user.sub };
  if (scopes.has('profile')) {
    Object.assign(info, {
      name: user.name,
      preferred_username: user.preferred_username,
      profile: `https://huggingface.co/${user.preferred_username}`,
      picture: user.picture,
      isPro: user.isPro,
      orgs: user.orgs,
    });
  }
  if (scopes.has('email') && user.email) Object.assign(info, { email: user.email, email_verified: true });
  return info;
}

export class AccountStore {
  readonly users = new Map<string, LogtoUser>();

  constructor(
    seeds: LogtoUserSeed[],
    huggingFaceUsers: HuggingFaceUser[],
    private readonly organizations: OrganizationSeed[],
  ) {
    const now = Date.now();
    for (const seed of seeds) {
      const identities: Record<string, SocialIdentity> = {};
      const linked = huggingFaceUsers.find((user) => user.preferred_username === seed.linkedHuggingFace);
      if (linked) {
        identities.huggingface = socialIdentityFrom(
          huggingFaceUserinfo(linked, new Set(['profile', 'email'])),
        );
      }
      this.users.set(seed.id, {
        id: seed.id,
        username: seed.username,
        password: seed.password,
        name: seed.name,
        primaryEmail: seed.primaryEmail,
        primaryPhone: null,
        avatar: seed.avatar,
        identities,
        customData: {},
        createdAt: now,
        updatedAt: now,
      });
    }
  }

  find(id: string): LogtoUser | undefined {
    return this.users.get(id);
  }

  findByIdentifier(identifier: string): LogtoUser | undefined {
    const wanted = identifier.trim().toLowerCase();
    for (const user of this.users.values()) {
      if (user.username?.toLowerCase() === wanted || user.primaryEmail?.toLowerCase() === wanted) return user;
    }
    return undefined;
  }

  findBySocialIdentity(target: string, userId: string): LogtoUser | undefined {
    for (const user of this.users.values()) {
      if (user.identities[target]?.userId === userId) return user;
    }
    return undefined;
  }

  create(fields: Partial<LogtoUser>): LogtoUser {
    const now = Date.now();
    const user: LogtoUser = {
      id: newUserId(),
      username: null,
      password: undefined,
      name: null,
      primaryEmail: null,
      primaryPhone: null,
      avatar: null,
      identities: {},
      customData: {},
      createdAt: now,
      updatedAt: now,
      ...fields,
    };
    this.users.set(user.id, user);
    return user;
  }

  /**
   * Signs in with a social identity as Logto does: an already linked user signs in; otherwise a
   * new user is registered, with name, avatar and (if not taken) email taken from the identity.
   */
  signInWithSocial(target: string, identity: SocialIdentity): LogtoUser {
    const existing = this.findBySocialIdentity(target, identity.userId);
    if (existing) {
      existing.identities[target] = identity;
      existing.updatedAt = Date.now();
      return existing;
    }
    const email = identity.details.email;
    const emailTaken = email !== undefined && this.findByIdentifier(email) !== undefined;
    return this.create({
      name: identity.details.name ?? null,
      avatar: identity.details.avatar ?? null,
      primaryEmail: email && !emailTaken ? email : null,
      identities: { [target]: identity },
    });
  }

  organizationsOf(userId: string): OrganizationSeed[] {
    return this.organizations.filter((organization) => organization.members.includes(userId));
  }
}

/** Which claims each scope releases (Logto's `userClaims`, packages/toolkit/core-kit). */
export const claimsByScope: Record<string, string[]> = {
  openid: ['sub'],
  profile: ['name', 'picture', 'username', 'created_at', 'updated_at'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  custom_data: ['custom_data'],
  identities: ['identities', 'sso_identities'],
  roles: ['roles'],
  'urn:logto:scope:organizations': ['organizations', 'organization_data'],
  'urn:logto:scope:organization_roles': ['organization_roles'],
};

/**
 * Claims Logto releases only through userinfo unless the tenant's ID-token config lists them; a new
 * tenant lists roles and organizations, so identities and custom_data stay out of the ID token.
 */
const userinfoOnlyClaims = new Set(['identities', 'sso_identities', 'custom_data']);

export function claimsFor(
  user: LogtoUser,
  use: 'id_token' | 'userinfo',
  organizations: OrganizationSeed[],
): Record<string, unknown> {
  const all: Record<string, unknown> = {
    sub: user.id,
    name: user.name,
    picture: user.avatar,
    username: user.username,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    email: user.primaryEmail,
    email_verified: Boolean(user.primaryEmail),
    phone_number: user.primaryPhone,
    phone_number_verified: Boolean(user.primaryPhone),
    custom_data: user.customData,
    // Nested keys stay camelCase: Logto snake-cases only the top level (deep: false).
    identities: user.identities,
    sso_identities: [],
    roles: [],
    organizations: organizations.map((organization) => organization.id),
    organization_data: organizations.map((organization) => ({
      id: organization.id,
      name: organization.name,
      description: null,
    })),
    organization_roles: organizations.map((organization) => `${organization.id}:member`),
  };
  if (use === 'id_token') for (const claim of userinfoOnlyClaims) delete all[claim];
  return all;
}

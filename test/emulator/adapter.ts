/**
 * oidc-provider's storage adapter, in memory. It carries one Logto behaviour that lives in Logto's
 * database layer rather than its provider config (packages/core/src/queries/oidc-model-instance.ts):
 * a consumed refresh token still reads as unconsumed for `reuseIntervalSeconds` after it was used,
 * so two clients racing with the same token both succeed; after that, presenting it again makes the
 * refresh_token grant revoke the whole grant.
 */
type Payload = Record<string, unknown> & {
  grantId?: string;
  userCode?: string;
  uid?: string;
  consumed?: unknown;
};

interface Stored {
  payload: Payload;
  expiresAt: number | undefined;
  consumedAt: number | undefined;
}

export class AdapterStore {
  readonly models = new Map<string, Map<string, Stored>>();
  /**
   * Ids ever consumed, by model. Kept apart from the tables because reuse after the grace destroys
   * the token (and revocation its whole grant), yet a later replay of it is still a replay.
   */
  private readonly consumedIds = new Map<string, Set<string>>();

  constructor(private readonly reuseIntervalSeconds: () => number) {}

  table(model: string): Map<string, Stored> {
    let table = this.models.get(model);
    if (!table) {
      table = new Map();
      this.models.set(model, table);
    }
    return table;
  }

  isConsumed(model: string, consumedAt: number | undefined): boolean {
    if (consumedAt === undefined) return false;
    if (model !== 'RefreshToken') return true;
    return consumedAt + this.reuseIntervalSeconds() * 1000 < Date.now();
  }

  /**
   * Whether the token was ever consumed, even inside the reuse grace where oidc-provider is told it
   * was not. For opaque tokens the id is the value a client presents.
   */
  wasConsumed(model: string, id: string): boolean {
    return this.consumedIds.get(model)?.has(id) ?? false;
  }

  private recordConsumed(model: string, id: string): void {
    let ids = this.consumedIds.get(model);
    if (!ids) {
      ids = new Set();
      this.consumedIds.set(model, ids);
    }
    ids.add(id);
  }

  /** Whether the grant (and so its refresh tokens) is still alive. */
  grantAlive(grantId: string): boolean {
    const grant = this.table('Grant').get(grantId);
    return grant !== undefined && (grant.expiresAt === undefined || grant.expiresAt > Date.now());
  }

  /** The `accountId` of every live entry of `model` that has one (e.g. signed-in browser sessions). */
  liveAccounts(model: string): string[] {
    const now = Date.now();
    return [...this.table(model).values()]
      .filter((entry) => entry.expiresAt === undefined || entry.expiresAt > now)
      .map((entry) => entry.payload.accountId)
      .filter((accountId): accountId is string => typeof accountId === 'string');
  }

  adapterFor(model: string) {
    const table = this.table(model);
    const isConsumed = (consumedAt: number | undefined) => this.isConsumed(model, consumedAt);
    const recordConsumed = (id: string) => this.recordConsumed(model, id);
    const live = (id: string): Stored | undefined => {
      const entry = table.get(id);
      if (!entry) return undefined;
      if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
        table.delete(id);
        return undefined;
      }
      return entry;
    };
    const view = (entry: Stored | undefined): Payload | undefined => {
      if (!entry) return undefined;
      const payload = { ...entry.payload };
      if (isConsumed(entry.consumedAt)) payload.consumed = Math.floor((entry.consumedAt ?? 0) / 1000);
      else delete payload.consumed;
      return payload;
    };
    return {
      async upsert(id: string, payload: Payload, expiresIn?: number) {
        const previous = table.get(id);
        table.set(id, {
          payload: { ...payload },
          // Kept 15 s past expiry (oidc-provider's clock tolerance, as its memory adapter does), so an
          // expired device code still answers `expired_token` rather than "not found".
          expiresAt: expiresIn ? Date.now() + (expiresIn + 15) * 1000 : undefined,
          consumedAt: previous?.consumedAt,
        });
      },
      async find(id: string) {
        return view(live(id));
      },
      async findByUserCode(userCode: string) {
        for (const [id, entry] of table) if (entry.payload.userCode === userCode) return view(live(id));
        return undefined;
      },
      async findByUid(uid: string) {
        for (const [id, entry] of table) if (entry.payload.uid === uid) return view(live(id));
        return undefined;
      },
      async consume(id: string) {
        const entry = table.get(id);
        if (entry && entry.consumedAt === undefined) entry.consumedAt = Date.now();
        if (entry) recordConsumed(id);
      },
      async destroy(id: string) {
        table.delete(id);
      },
      // Called once per token model; the Grant itself is destroyed separately by oidc-provider.
      async revokeByGrantId(grantId: string) {
        for (const [id, entry] of table) if (entry.payload.grantId === grantId) table.delete(id);
      },
    };
  }
}

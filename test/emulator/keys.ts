import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

export interface SigningKey {
  alg: 'ES384' | 'RS256';
  kid: string;
  privateJwk: JWK;
  privateKey: CryptoKey;
}

/** Logto generates EC P-384 keys (ES384) by default; RSA keys sign RS256. */
export async function generateSigningKey(alg: 'ES384' | 'RS256', kid: string): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateJwk, privateKey };
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  /** The private CA's certificate (PEM), and the file holding it (for NODE_EXTRA_CA_CERTS). */
  ca: string;
  caFile: string;
  /** A server certificate for 127.0.0.1, 127.0.0.2 and localhost, signed by the CA, and its key. */
  cert: string;
  key: string;
}

/** A private CA and a server certificate for loopback, made with openssl for this test run. */
export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'hflogin-ca-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  // Both keys are P-256 and unencrypted (-nodes): only this test run ever reads them.
  const newKey = (keyFile: string) => [
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    keyFile,
  ];
  openssl(
    'req',
    '-x509',
    ...newKey('ca.key'),
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=hflogin test CA',
  );
  openssl('req', ...newKey('server.key'), '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(
    join(dir, 'san.ext'),
    'subjectAltName=IP:127.0.0.1,IP:127.0.0.2,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
  return {
    ca: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    caFile: join(dir, 'ca.pem'),
    cert: readFileSync(join(dir, 'server.pem'), 'utf8'),
    key: readFileSync(join(dir, 'server.key'), 'utf8'),
  };
}

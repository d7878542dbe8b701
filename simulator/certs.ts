/**
 * Certificates for the simulator: one self-signed CA per environment, leaf certificates for every
 * HTTPS listener, and the proxy certificate chain ECE reports. ECDSA P-256 keeps start-up fast.
 */
import { X509Certificate as NodeX509, webcrypto } from 'node:crypto';
import * as tls from 'node:tls';
import * as x509 from '@peculiar/x509'; // loads reflect-metadata itself (tsyringe needs it)

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const crypto = webcrypto;
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface Issuer {
  certPem: string;
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}
export interface ServerIdentity {
  certPem: string;
  keyPem: string;
}

const keyPair = () => crypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** A self-signed CA (the environment CA, or a private proxy root). */
export async function createCa(commonName: string): Promise<Issuer> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${commonName}, O=crosslink simulator`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, certPem: cert.toString('pem'), keys };
}

/** A server certificate signed by `issuer`, valid for localhost, 127.0.0.1 and any extra DNS names. */
export async function createServerCert(
  issuer: Issuer,
  commonName: string,
  dnsNames: string[] = [],
): Promise<ServerIdentity> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${commonName}`,
    issuer: issuer.cert.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 825 * DAY),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
        ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

/**
 * The proxy certificate chain ECE reports (leaf first, root last, as ECE lists it).
 * `private`: a generated root signs the proxy leaf. `public`: the root is a real public root from
 * node's bundle; the simulator does not hold its key, so the leaf is signed by a throwaway key under
 * that root's name. The chain is metadata only: nothing ever handshakes with it.
 */
export async function createProxyChain(environment: string, kind: 'private' | 'public'): Promise<string[]> {
  const host = `*.${environment}.ece.local`;
  if (kind === 'private') {
    const root = await createCa(`${environment} proxy root CA`);
    const leaf = await createServerCert(root, host, [host]);
    return [leaf.certPem, root.certPem];
  }
  const rootPem = publicRootPem();
  const root = new x509.X509Certificate(rootPem);
  const throwaway = await keyPair();
  const leaf = await createServerCert({ cert: root, certPem: rootPem, keys: throwaway }, host, [host]);
  return [leaf.certPem, root.toString('pem')];
}

/** A real, well-known public root from node's bundle (ISRG Root X1 when present). */
let publicRoot: string | undefined;
function publicRootPem(): string {
  publicRoot ??= findPublicRoot();
  return publicRoot;
}

function findPublicRoot(): string {
  const roots = tls.rootCertificates;
  // node's own parser: scanning the bundle with @peculiar/x509 costs a third of a second.
  const isrg = roots.find((pem) => new NodeX509(pem).subject.includes('ISRG Root X1'));
  const first = isrg ?? roots[0];
  if (!first) throw new Error('node has no public root certificates');
  return first;
}

/** Same certificate, whatever the whitespace: compares the DER bytes. */
export function samePem(a: string, b: string): boolean {
  try {
    return new x509.X509Certificate(a).equal(new x509.X509Certificate(b));
  } catch {
    return false;
  }
}

/** Read-only certificate metadata ECE adds to `trust.direct[].certificates[]`. */
export function certificateMetadata(
  pem: string,
): { fingerprint: string; valid_from: string; valid_to: string } | undefined {
  try {
    const cert = new NodeX509(pem);
    return {
      fingerprint: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
      valid_from: new Date(cert.validFrom).toISOString(),
      valid_to: new Date(cert.validTo).toISOString(),
    };
  } catch {
    return undefined;
  }
}

/**
 * The `proxyCa` setting (issue 9 part 5): `public` and `private` decide whether the local deployment
 * must trust the remote proxy CA; `auto` uses Node's bundled roots and the chain's issuer.
 */
import { X509Certificate, webcrypto } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import * as x509 from '@peculiar/x509';
import { proxyCaVisibility } from '../../activities/steps/proxy-ca-visibility';
import { createCa, createServerCert, type Issuer } from '../../simulator/certs';
import { apiKeyRequest, DEFAULT_IDS, type Harness, runPreflight, startHarness } from './support/harness';

/** An intermediate CA signed by `root` (the chain an ECE proxy may report without its root). */
async function intermediate(root: Issuer): Promise<string> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=proxy intermediate',
    issuer: root.cert.subject,
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000 * 30),
    signingAlgorithm: alg,
    publicKey: keys.publicKey,
    signingKey: root.keys.privateKey,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
  });
  return cert.toString('pem');
}

describe('proxyCaVisibility', () => {
  let privateRoot: Issuer;
  let leaf: string;
  beforeAll(async () => {
    privateRoot = await createCa('private proxy root');
    leaf = (await createServerCert(privateRoot, 'proxy')).certPem;
  });
  const publicRoot = rootCertificates.find((pem) => new X509Certificate(pem).subject.includes('ISRG Root X1'))!;

  it.each(['auto', 'public', 'private'] as const)("%s on a self-signed root outside Node's roots", (setting) => {
    const v = proxyCaVisibility([leaf, privateRoot.certPem], setting);
    expect(v.private).toBe(setting !== 'public');
    expect(v.reason).toContain(setting === 'auto' ? 'self-signed' : `set to ${setting}`);
  });

  it.each(['auto', 'public', 'private'] as const)("%s on a root in Node's bundle", (setting) => {
    const v = proxyCaVisibility([publicRoot], setting);
    expect(v.private).toBe(setting === 'private');
  });

  it('auto: a chain that ends below a public root (root left out) is public; below a private one, private', async () => {
    const middle = await intermediate(privateRoot);
    // The same chain judged with that root counted as public, and with Node's real roots.
    expect(proxyCaVisibility([leaf, middle], 'auto', [new X509Certificate(privateRoot.certPem)])).toMatchObject({
      private: false,
      reason: expect.stringContaining('below'),
    });
    expect(proxyCaVisibility([leaf, middle], 'auto')).toMatchObject({
      private: true,
      reason: expect.stringContaining('issued by none'),
    });
  });
});

describe('preflight honours proxyCa', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  /** ece-b's proxy root is a self-signed private CA; ece-a's is a real public root (simulator topology). */
  const decision = async (remote: 'ece-a' | 'ece-b', setting: 'auto' | 'public' | 'private') => {
    h = await startHarness({ env: (e) => void (e.environments[remote]!.proxyCa = setting) });
    const request =
      remote === 'ece-b'
        ? apiKeyRequest()
        : apiKeyRequest({
            local: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b9 },
            remote: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 },
          });
    const preflight = await runPreflight(h, request);
    return { ca: preflight.proxyCa, step: preflight.steps.find((s) => s.id === 'proxy-ca')! };
  };

  it.each([
    ['ece-b', 'auto', true],
    ['ece-b', 'public', false],
    ['ece-b', 'private', true],
    ['ece-a', 'auto', false],
    ['ece-a', 'public', false],
    ['ece-a', 'private', true],
  ] as const)('remote %s with proxyCa %s: the proxy-ca step applies = %s', async (remote, setting, applies) => {
    const { ca, step } = await decision(remote, setting);
    expect(ca?.private).toBe(applies);
    expect(step.applies).toBe(applies);
  });
});

import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { type EceClient } from './client';
import { PlatformInfo, TlsPublicCertChain } from './schemas';

export async function getPlatformInfo(ece: EceClient, signal?: AbortSignal): Promise<PlatformInfo> {
  const res = await ece.http.request({ method: 'GET', path: '/platform', schema: PlatformInfo, signal });
  return res.body;
}

/** The proxy's certificate chain (`GET .../configuration/security/tls/proxy`); the root is the last one. */
export async function getProxyChain(ece: EceClient, signal?: AbortSignal): Promise<string[]> {
  const res = await ece.http.request({
    method: 'GET',
    path: ece.platformPath('/configuration/security/tls/proxy'),
    schema: TlsPublicCertChain,
    signal,
  });
  return res.body.chain;
}

export interface CertificateFacts {
  pem: string;
  fingerprintSha256: string;
  subject: string;
  /** True when no root in Node's public trust store has the same fingerprint (the proxy decision: proxy-ca-visibility.ts). */
  private: boolean;
}

let publicFingerprints: Set<string> | undefined;

function publicRootFingerprints(): Set<string> {
  publicFingerprints ??= new Set(rootCertificates.map((pem) => new X509Certificate(pem).fingerprint256));
  return publicFingerprints;
}

/** First PEM block of a string (chain entries may carry one certificate each). */
export function normalizePem(pem: string): string {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  return m ? `${m[0]}\n` : pem;
}

export function certificateFacts(pem: string): CertificateFacts {
  const cert = new X509Certificate(pem);
  return {
    pem: normalizePem(pem),
    fingerprintSha256: cert.fingerprint256,
    subject: cert.subject.replace(/\n/g, ', '),
    private: !publicRootFingerprints().has(cert.fingerprint256),
  };
}

export function sameCertificate(a: string, b: string): boolean {
  try {
    return new X509Certificate(a).fingerprint256 === new X509Certificate(b).fingerprint256;
  } catch {
    return false;
  }
}

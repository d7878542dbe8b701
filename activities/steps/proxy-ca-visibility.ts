/**
 * Is the remote environment's proxy CA public (the local deployment's Elasticsearch nodes already
 * trust it) or private (crosslink must add it as `trust.direct` type proxy)? docs/sources.md §5.
 *
 * `public` and `private` (the environments file's `proxyCa`) decide. `auto` approximates: what
 * counts is the trust store of the local deployment's nodes on the ECE allocators, which crosslink
 * cannot read; it uses the Mozilla roots bundled with the worker's Node.js instead. The chain's last
 * certificate is public when it is one of those roots, or when it is not self-issued and one of those
 * roots issued it (a chain configured without its root). Anything else is private. Node's roots
 * and the nodes' store can differ (a corporate CA installed on the allocators, a root added or
 * removed in one release and not the other): set `proxyCa` when they do.
 */
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { type ProxyCaSetting } from '../../domain/environment-config';

export interface ProxyCaVisibility {
  private: boolean;
  /** Why, for the step decision and the logs. */
  reason: string;
}

let nodeRoots: X509Certificate[] | undefined;
const bundledRoots = () => (nodeRoots ??= rootCertificates.map((pem) => new X509Certificate(pem)));

/** `publicRoots`: the roots `auto` treats as public (Node's bundled ones; a test passes its own). */
export function proxyCaVisibility(
  chain: readonly string[],
  setting: ProxyCaSetting,
  publicRoots: readonly X509Certificate[] = bundledRoots(),
): ProxyCaVisibility {
  if (setting === 'public') return { private: false, reason: 'proxyCa is set to public' };
  if (setting === 'private') return { private: true, reason: 'proxyCa is set to private' };
  const last = chain[chain.length - 1];
  if (!last) return { private: true, reason: 'the proxy chain is empty' };
  const cert = new X509Certificate(last);
  if (publicRoots.some((root) => root.fingerprint256 === cert.fingerprint256)) {
    return { private: false, reason: "auto: the chain's root is one of Node's bundled public roots" };
  }
  const selfIssued = cert.issuer === cert.subject;
  const issuer = selfIssued
    ? undefined
    : publicRoots.find((root) => cert.checkIssued(root) && cert.verify(root.publicKey));
  if (issuer) {
    return {
      private: false,
      reason: `auto: the chain ends below ${issuer.subject.replace(/\n/g, ', ')}, a bundled public root`,
    };
  }
  return {
    private: true,
    reason: selfIssued
      ? "auto: the chain's root is self-signed and not one of Node's bundled public roots"
      : "auto: the chain's last certificate was issued by none of Node's bundled public roots",
  };
}

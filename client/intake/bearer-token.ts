/**
 * Bearer-token delivery (CloudEvents HTTP Web Hooks §3.1, RFC 6750): an OpenID Connect token in
 * `Authorization: Bearer <jwt>`, as Knative Eventing sends it when its sender identity feature
 * (`authentication-oidc`) is on. The token's signature is verified against the issuer's published
 * keys (JWKS, found through the issuer's OpenID discovery document unless named), its issuer and
 * audience must be the configured ones, it must not have expired, and its subject must be one the
 * operator allows: any workload of a Kubernetes cluster can obtain a token for any audience, so
 * the audience alone does not say who sent the event. `jose` does the JWT and JWKS work.
 */
import { Agent as HttpsAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { type JWTVerifyGetKey, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { Agent as UndiciAgent, fetch } from 'undici';

export interface BearerTokenOptions {
  /** The `iss` the tokens carry, exactly (an https URL; `/.well-known/openid-configuration` is read from it). */
  issuer: string;
  /** The `aud` the tokens must name: what the sender was told this intake is (Knative: `audience` of the sink). */
  audience: string;
  /** The `sub` values allowed to send (Kubernetes: `system:serviceaccount:<namespace>:<name>`). */
  subjects: readonly string[];
  /** The issuer's key set; read from its discovery document when omitted. */
  jwksUrl?: string;
  /** Extra CA certificate(s), PEM, trusted for the issuer's endpoints besides the public roots (a cluster CA). */
  caPem?: string;
  /** How long a fetch of the discovery document or the key set may take. */
  timeoutMs?: number;
}

export type BearerCheck =
  | { ok: true; subject: string }
  /** 401: no valid token; 403: a valid token of a subject not allowed; 503: the issuer's keys cannot be read now. */
  | { ok: false; status: 401 | 403 | 503; message: string };

export interface BearerVerifier {
  verify(token: string): Promise<BearerCheck>;
}

/** Public-key algorithms only: a shared-secret (HS*) or unsigned token is never accepted. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const CLOCK_TOLERANCE_SECONDS = 30;

/** Checks the options and returns a verifier; the issuer's keys are fetched on first use and cached by `jose`. */
export function createBearerVerifier(options: BearerTokenOptions): BearerVerifier {
  requireHttps(options.issuer, 'the OIDC issuer');
  if (options.jwksUrl) requireHttps(options.jwksUrl, 'the OIDC JWKS URL');
  if (!options.audience) throw new Error('the OIDC audience must not be empty');
  if (options.subjects.length === 0) {
    throw new Error(
      'name the token subjects allowed to send events (a token for the audience alone says nothing about who sent it)',
    );
  }
  const ca = options.caPem ? [...rootCertificates, options.caPem] : undefined;
  const timeoutMs = options.timeoutMs ?? 5_000;
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const keySet = (): Promise<JWTVerifyGetKey> => {
    keys ??= resolveJwksUrl(options, ca, timeoutMs).then((url) =>
      createRemoteJWKSet(new URL(url), { agent: new HttpsAgent({ ca }), timeoutDuration: timeoutMs }),
    );
    keys.catch(() => (keys = undefined)); // a failed discovery is tried again on the next event
    return keys;
  };
  return {
    async verify(token) {
      let getKey: JWTVerifyGetKey;
      try {
        getKey = await keySet();
      } catch (err) {
        return { ok: false, status: 503, message: `cannot read the token issuer's keys: ${(err as Error).message}` };
      }
      return verifyToken(token, getKey, options);
    },
  };
}

async function verifyToken(token: string, getKey: JWTVerifyGetKey, options: BearerTokenOptions): Promise<BearerCheck> {
  let subject: string | undefined;
  try {
    const { payload } = await jwtVerify(token, getKey, {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: ALGORITHMS,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
    subject = payload.sub;
  } catch (err) {
    if (isTokenError(err)) return { ok: false, status: 401, message: `invalid bearer token: ${err.message}` };
    return { ok: false, status: 503, message: `cannot read the token issuer's keys: ${(err as Error).message}` };
  }
  if (!subject || !options.subjects.includes(subject)) {
    return { ok: false, status: 403, message: `token subject ${subject ?? '(none)'} is not allowed to send events` };
  }
  return { ok: true, subject };
}

/** The token's fault (401), as opposed to the issuer's key set being unreachable (503). */
function isTokenError(err: unknown): err is Error {
  return (
    err instanceof errors.JWTClaimValidationFailed ||
    err instanceof errors.JWTExpired ||
    err instanceof errors.JWTInvalid ||
    err instanceof errors.JWSInvalid ||
    err instanceof errors.JWSSignatureVerificationFailed ||
    err instanceof errors.JOSEAlgNotAllowed ||
    err instanceof errors.JOSENotSupported ||
    err instanceof errors.JWKSNoMatchingKey ||
    err instanceof errors.JWKSMultipleMatchingKeys
  );
}

/** OpenID Connect Discovery 1.0 §4: the document is at the issuer + `/.well-known/openid-configuration` and names the same issuer. */
async function resolveJwksUrl(
  options: BearerTokenOptions,
  ca: string[] | undefined,
  timeoutMs: number,
): Promise<string> {
  if (options.jwksUrl) return options.jwksUrl;
  const url = `${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const res = await fetch(url, {
    dispatcher: new UndiciAgent({ connect: { ca } }),
    signal: AbortSignal.timeout(timeoutMs),
    headers: { accept: 'application/json' },
  });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
  if (doc.issuer !== options.issuer) {
    throw new Error(`${url} names issuer ${String(doc.issuer)}, not ${options.issuer}`);
  }
  if (typeof doc.jwks_uri !== 'string') throw new Error(`${url} has no jwks_uri`);
  requireHttps(doc.jwks_uri, 'the jwks_uri of the discovery document');
  return doc.jwks_uri;
}

function requireHttps(value: string, what: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} must be an https URL; got "${value}"`);
  }
  if (url.protocol !== 'https:') throw new Error(`${what} must be an https URL; got "${value}"`);
}

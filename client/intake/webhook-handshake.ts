/**
 * The abuse-protection handshake of the CloudEvents HTTP Web Hooks specification (v1.0.2 §4),
 * which event buses such as Azure Event Grid (in CloudEvents mode) perform before delivering: an
 * `OPTIONS` request with `WebHook-Request-Origin: <sender's DNS name>` is answered with
 * `WebHook-Allowed-Origin` (and `WebHook-Allowed-Rate`) only for origins the operator allows.
 * The handshake protects the sender from flooding a site that did not ask for events; it is not
 * authentication: deliveries still need a signature or a bearer token.
 */
import { type IncomingHttpHeaders } from 'node:http';
import { type IntakeResponse } from './responses';

export const HANDSHAKE_HEADERS = {
  requestOrigin: 'webhook-request-origin',
  requestRate: 'webhook-request-rate',
  requestCallback: 'webhook-request-callback',
  allowedOrigin: 'WebHook-Allowed-Origin',
  allowedRate: 'WebHook-Allowed-Rate',
} as const;

/** The origins an operator allows: DNS names, or `*` for any. */
export interface HandshakePolicy {
  origins: readonly string[];
}

const ALLOW = 'POST, OPTIONS';
/** A DNS name expression as the sender sends it (spec §4.1.2), case-insensitive. */
const ORIGIN = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

/** Validates configured origins (DNS names or `*`), lowercased. */
export function handshakePolicy(origins: readonly string[]): HandshakePolicy {
  const bad = origins.filter((o) => o !== '*' && !ORIGIN.test(o));
  if (bad.length > 0) throw new Error(`webhook origins must be DNS names or "*"; not: ${bad.join(', ')}`);
  return { origins: origins.map((o) => o.toLowerCase()) };
}

export function originAllowed(policy: HandshakePolicy, origin: string): boolean {
  return policy.origins.includes('*') || policy.origins.includes(origin.toLowerCase());
}

/**
 * The answer to `OPTIONS` on the events path. Without a policy the intake does not take part in
 * the handshake and answers 405, as the spec asks of a target that does not handle it (§4.2).
 */
export function answerHandshake(policy: HandshakePolicy | undefined, headers: IncomingHttpHeaders): IntakeResponse {
  if (!policy) {
    return {
      status: 405,
      headers: { allow: 'POST' },
      body: { error: 'this intake does not take part in the CloudEvents webhook handshake; POST events' },
    };
  }
  const origin = single(headers[HANDSHAKE_HEADERS.requestOrigin]);
  if (origin === undefined) {
    // A plain OPTIONS (no handshake): say which methods the resource takes.
    return { status: 204, headers: { allow: ALLOW } };
  }
  if (!ORIGIN.test(origin) || !originAllowed(policy, origin)) {
    // No WebHook-Allowed-Origin header: the sender must not read this answer as consent (§4.2).
    return {
      status: 403,
      headers: { allow: ALLOW },
      body: { error: `origin ${origin} may not deliver events to this intake` },
    };
  }
  return {
    status: 200,
    headers: {
      allow: ALLOW,
      [HANDSHAKE_HEADERS.allowedOrigin]: origin,
      // The intake has no rate limit of its own (§4.2.2: "*" says so).
      [HANDSHAKE_HEADERS.allowedRate]: '*',
    },
  };
}

/**
 * A delivery that names an origin (§2.1: after the handshake the sender sends it on every
 * delivery) must name an allowed one. Undefined when the delivery may proceed.
 */
export function refuseDeliveryOrigin(
  policy: HandshakePolicy | undefined,
  headers: IncomingHttpHeaders,
): IntakeResponse | undefined {
  const origin = single(headers[HANDSHAKE_HEADERS.requestOrigin]);
  if (!policy || origin === undefined || originAllowed(policy, origin)) return undefined;
  return { status: 403, body: { error: `origin ${origin} may not deliver events to this intake` } };
}

function single(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.trim() || undefined;
}

/**
 * Who sent an event: the methods the operator configures, each checked when the request carries
 * its credential. Standard Webhooks (a signature over id, timestamp and the exact body, under any
 * of the configured secrets) and bearer tokens (OIDC, bearer-token.ts). A request must carry a
 * credential of a configured method, and every credential it carries must verify.
 */
import { type IncomingMessage } from 'node:http';
import { type Webhook } from 'standardwebhooks';
import { WEBHOOK_HEADERS, checkSignature } from '../../common/webhook-signature';
import { type BearerVerifier } from './bearer-token';
import { type IntakeResponse } from './responses';

export interface Authenticators {
  /** Standard Webhooks verifiers, one per accepted secret (several during a rotation). */
  webhookKeys?: readonly Webhook[];
  bearer?: BearerVerifier;
}

export type Authenticated = {
  /** The signed `webhook-id` (Standard Webhooks), which must then equal the CloudEvent id. */
  webhookId?: string;
  /** The token's subject (bearer). */
  subject?: string;
  methods: Array<'standard-webhooks' | 'bearer'>;
};

export type Authentication = { ok: true; who: Authenticated } | { ok: false; response: IntakeResponse; reason: string };

const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;
const CHALLENGE = 'Bearer realm="crosslink-intake"';

export function describeMethods(auth: Authenticators): string {
  const methods = [
    ...(auth.webhookKeys ? ['a Standard Webhooks signature (webhook-id, webhook-timestamp, webhook-signature)'] : []),
    ...(auth.bearer ? ['an OIDC bearer token (Authorization: Bearer)'] : []),
  ];
  return methods.join(' or ');
}

export async function authenticate(auth: Authenticators, req: IncomingMessage, body: Buffer): Promise<Authentication> {
  const headers = req.headersDistinct;
  const carriesSignature = Object.values(WEBHOOK_HEADERS).some((name) => headers[name] !== undefined);
  const carriesToken = headers.authorization !== undefined;
  if (!carriesSignature && !carriesToken) {
    // With signatures the only method, name the first missing header, as a signature check would.
    if (auth.webhookKeys && !auth.bearer) {
      const missing = Object.values(WEBHOOK_HEADERS)[0];
      return refuse(auth, 401, 'missing', `missing ${missing} header (Standard Webhooks signature)`);
    }
    return refuse(auth, 401, 'missing', `missing authentication: send ${describeMethods(auth)}`);
  }
  const who: Authenticated = { methods: [] };
  if (carriesSignature) {
    if (!auth.webhookKeys) {
      return refuse(
        auth,
        401,
        'method',
        `this intake does not accept Standard Webhooks signatures; send ${describeMethods(auth)}`,
      );
    }
    const signature = checkSignature(auth.webhookKeys, headers, body.toString('utf8'));
    if (!signature.ok) return refuse(auth, 401, signature.reason, signature.message);
    who.webhookId = signature.id;
    who.methods.push('standard-webhooks');
  }
  if (carriesToken) {
    const token = bearerToken(headers.authorization);
    if (!auth.bearer) {
      return refuse(auth, 401, 'method', `this intake does not accept bearer tokens; send ${describeMethods(auth)}`);
    }
    if (!token)
      return refuse(auth, 401, 'malformed', 'Authorization must be one "Bearer <token>" header', 'invalid_request');
    const checked = await auth.bearer.verify(token);
    if (!checked.ok) return refuse(auth, checked.status, 'token', checked.message, 'invalid_token');
    who.subject = checked.subject;
    who.methods.push('bearer');
  }
  return { ok: true, who };
}

function bearerToken(values: string[] | undefined): string | undefined {
  if (values?.length !== 1) return undefined;
  return BEARER.exec(values[0]!.trim())?.[1];
}

/** RFC 6750 §3: a refused or missing token is answered with a Bearer challenge naming the error. */
function refuse(
  auth: Authenticators,
  status: 401 | 403 | 503,
  reason: string,
  message: string,
  tokenError?: 'invalid_request' | 'invalid_token',
): Authentication {
  const headers: Record<string, string> = {};
  if (auth.bearer && status === 401) {
    headers['www-authenticate'] = tokenError ? `${CHALLENGE}, error="${tokenError}"` : CHALLENGE;
  }
  if (status === 503) headers['retry-after'] = '5';
  return { ok: false, reason, response: { status, headers, body: { error: message } } };
}

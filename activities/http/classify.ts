import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { FailureType } from '../../domain/failures';

/**
 * Error classification, in one place: every HTTP answer or network error from ECE or
 * Elasticsearch becomes an ApplicationFailure here. Only `Transient` is retryable.
 */

/** Who was called, for messages that say where to look. Holds no secret. */
export interface RequestTarget {
  /** "ECE ece-a" or "Elasticsearch ece-a/<deployment id>". */
  label: string;
  /** Configuration field holding the credentials used, e.g. `environments.ece-a.apiKey`. */
  credentialField: string;
  /** Configuration field holding the CA bundle, e.g. `environments.ece-a.caCert`. */
  caField: string;
}

/** What a classified HTTP failure carries in `details[0]`, for callers that branch on it. */
export interface HttpFailureDetails {
  status?: number;
  code?: string;
  method: string;
  path: string;
}

/** ECE answers with this code (422 on restart) while another plan is pending: wait and retry. */
export const PLAN_PENDING_CODE = 'deployments.deployment_resource_plan_change_error';

/** Parsed error body: ECE BasicFailedReply or an Elasticsearch error object. */
export interface ServerError {
  code?: string;
  message?: string;
}

/** ECE's BasicFailedReply (spec definition) and Elasticsearch's error body: the fields read. */
const BasicFailedReply = z.looseObject({
  errors: z.array(z.looseObject({ code: z.string().optional(), message: z.string().optional() })).min(1),
});
const ElasticsearchError = z.looseObject({
  error: z.union([z.looseObject({ type: z.string().optional(), reason: z.string().optional() }), z.string()]),
});

export function parseServerError(body: unknown, headerCode?: string): ServerError {
  const ece = BasicFailedReply.safeParse(body);
  if (ece.success) {
    const first = ece.data.errors[0]!;
    return { code: first.code ?? headerCode, message: first.message };
  }
  const es = ElasticsearchError.safeParse(body);
  if (es.success) {
    const e = es.data.error;
    return typeof e === 'string' ? { code: headerCode, message: e } : { code: e.type, message: e.reason };
  }
  if (typeof body === 'string' && body.length > 0) return { code: headerCode, message: body.slice(0, 300) };
  return { code: headerCode };
}

/** Replace every occurrence of a secret by a marker; secrets shorter than 4 chars are not worth hunting. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}

function whatToFix(status: number, target: RequestTarget): string {
  switch (status) {
    case 400:
      return 'the request was refused as invalid; check the values named above';
    case 401:
      return `check ${target.credentialField}`;
    case 403:
      return `the credentials in ${target.credentialField} lack a privilege (see docs/privileges.md)`;
    case 404:
      return 'check the deployment id, ref_id and environment in the request (or the object was deleted)';
    case 409:
    case 412:
      return 'another change modified the object at the same time; retry the connection';
    default:
      return 'see the message above';
  }
}

function typeForStatus(status: number, code: string | undefined): { type: FailureType; retryable: boolean } {
  if (status === 429 || status >= 500) return { type: FailureType.Transient, retryable: true };
  // ECE refuses changes while another plan runs (422 on restart; the simulator answers 400 on PUT).
  if (code === PLAN_PENDING_CODE && (status === 422 || status === 400)) {
    return { type: FailureType.Transient, retryable: true };
  }
  switch (status) {
    case 401:
      return { type: FailureType.Unauthorized, retryable: false };
    case 403:
      return { type: FailureType.Forbidden, retryable: false };
    case 404:
      return { type: FailureType.NotFound, retryable: false };
    case 409:
    case 412:
      return { type: FailureType.Conflict, retryable: false };
    default:
      return { type: FailureType.BadRequest, retryable: false };
  }
}

/** A non-2xx answer. `sensitive` values are removed from the message (the server may echo them). */
export function classifyHttpStatus(
  target: RequestTarget,
  method: string,
  path: string,
  status: number,
  error: ServerError,
  sensitive: readonly string[] = [],
): ApplicationFailure {
  const { type, retryable } = typeForStatus(status, error.code);
  const what = [status, error.code].filter(Boolean).join(' ');
  const said = error.message ? ` (${error.message})` : '';
  const tail = retryable ? 'will retry' : whatToFix(status, target);
  const message = redact(`${target.label}: ${what} on ${method} ${path}${said}: ${tail}`, sensitive);
  const details: HttpFailureDetails = { status, code: error.code, method, path };
  return ApplicationFailure.create({ message, type, nonRetryable: !retryable, details: [details] });
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
]);

/** A request that got no HTTP answer: network trouble is retryable; an untrusted certificate is not. */
export function classifyNetworkError(
  target: RequestTarget,
  method: string,
  path: string,
  err: unknown,
): ApplicationFailure {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.cause?.code ?? e?.code;
  const text = e?.cause?.message ?? e?.message ?? String(err);
  const details: HttpFailureDetails = { code, method, path };
  if (code && TLS_CODES.has(code)) {
    return ApplicationFailure.create({
      message: `${target.label}: TLS verification failed on ${method} ${path} (${code}): check ${target.caField} holds the CA that signed this endpoint`,
      type: FailureType.ConfigurationError,
      nonRetryable: true,
      details: [details],
    });
  }
  return ApplicationFailure.create({
    message: `${target.label}: network error on ${method} ${path} (${code ?? 'no code'}: ${text}): will retry`,
    type: FailureType.Transient,
    nonRetryable: false,
    details: [details],
  });
}

/** A 2xx answer whose body does not have the fields crosslink reads. */
export function unexpectedResponse(target: RequestTarget, method: string, path: string, problem: string) {
  return ApplicationFailure.create({
    message: `${target.label}: unexpected response to ${method} ${path}: ${problem}`,
    type: FailureType.BadRequest,
    nonRetryable: true,
    details: [{ method, path } satisfies HttpFailureDetails],
  });
}

/** HTTP status carried by a classified failure (undefined for anything else). */
export function failureStatus(err: unknown): number | undefined {
  if (!(err instanceof ApplicationFailure)) return undefined;
  const d = err.details?.[0] as HttpFailureDetails | undefined;
  return d?.status;
}

export function failureCode(err: unknown): string | undefined {
  if (!(err instanceof ApplicationFailure)) return undefined;
  const d = err.details?.[0] as HttpFailureDetails | undefined;
  return d?.code;
}

export function isTransient(err: unknown): boolean {
  return err instanceof ApplicationFailure && err.type === FailureType.Transient;
}

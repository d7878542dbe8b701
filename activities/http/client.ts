import { type z } from 'zod';
import {
  classifyHttpStatus,
  classifyNetworkError,
  parseServerError,
  type RequestTarget,
  unexpectedResponse,
} from './classify';
import { poolFor } from './pool';

export interface HttpRequest<S extends z.ZodType | undefined> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Validates the 2xx body; omitted when the body is not read. */
  schema?: S;
  /** Statuses answered without throwing (e.g. 404 on a lookup or an idempotent delete). */
  accept?: readonly number[];
  /** Values that must never appear in an error message (a secret in the body). */
  sensitive?: readonly string[];
  signal?: AbortSignal;
}

export interface HttpResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

/**
 * JSON over HTTPS to one origin with one credential. Every failure leaves as a classified
 * ApplicationFailure (classify.ts); the Authorization header and request bodies never enter messages.
 */
export class HttpClient {
  private readonly origin: string;
  private readonly basePath: string;

  constructor(
    baseUrl: string,
    private readonly authorization: string,
    readonly target: RequestTarget,
    private readonly ca?: string,
    /** Secrets behind the Authorization header (a password), also kept out of messages. */
    private readonly credentialSecrets: readonly string[] = [],
  ) {
    const url = new URL(baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
  }

  async request<S extends z.ZodType | undefined = undefined>(
    req: HttpRequest<S>,
  ): Promise<HttpResponse<S extends z.ZodType ? z.infer<S> : unknown>> {
    // A per-request controller tied to the activity's signal: the listener is removed when the
    // request ends, so long polls do not pile listeners on one signal.
    const controller = new AbortController();
    const onAbort = () => controller.abort(req.signal?.reason);
    if (req.signal?.aborted) throw req.signal.reason;
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.send(req, controller.signal);
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async send<S extends z.ZodType | undefined>(
    req: HttpRequest<S>,
    signal: AbortSignal,
  ): Promise<HttpResponse<S extends z.ZodType ? z.infer<S> : unknown>> {
    const path = this.basePath + req.path + queryString(req.query);
    const shownPath = this.basePath + req.path; // messages name the route without the query string
    const sensitive = [this.authorization.replace(/^\S+\s/, ''), ...this.credentialSecrets, ...(req.sensitive ?? [])];
    let res;
    try {
      // Looked up per request: the shared pool survives clients and is re-created after closeAllPools.
      res = await poolFor(this.origin, this.ca).request({
        method: req.method,
        path,
        headers: {
          authorization: this.authorization,
          accept: 'application/json',
          ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
        signal,
      });
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason ?? err;
      throw classifyNetworkError(this.target, req.method, shownPath, err);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason ?? err;
      throw classifyNetworkError(this.target, req.method, shownPath, err);
    }
    const parsed = parseJson(text);
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    if (!ok && !req.accept?.includes(res.statusCode)) {
      const headerCode = firstHeader(res.headers['x-cloud-error-codes']);
      throw classifyHttpStatus(
        this.target,
        req.method,
        shownPath,
        res.statusCode,
        parseServerError(parsed ?? text, headerCode),
        sensitive,
      );
    }
    let body: unknown = parsed;
    if (ok && req.schema) {
      const result = req.schema.safeParse(parsed);
      if (!result.success) {
        const issue = result.error.issues[0];
        throw unexpectedResponse(
          this.target,
          req.method,
          shownPath,
          `${issue?.path.join('.') || '(body)'}: ${issue?.message ?? 'invalid'}`,
        );
      }
      body = result.data;
    }
    return { status: res.statusCode, headers: res.headers, body: body as never };
  }
}

function queryString(query: HttpRequest<undefined>['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

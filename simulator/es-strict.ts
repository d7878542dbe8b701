/**
 * What Elasticsearch refuses before a handler runs, per version line:
 * - routes the line does not have (specs/elasticsearch: the endpoint and its paths);
 * - media types and REST compatibility (server RestCompatibleVersionHelper, RestRequest.MediaTypeHeaderException);
 * - URL parameters the endpoint does not declare (server BaseRestHandler: "contains unrecognized parameter");
 * - top-level body fields the endpoint's request body does not declare (ObjectParser: "unknown field").
 */
import { esError } from './es-errors';
import { type EsLineFacts, type SpecEndpoint, hasMember } from './es-spec';
import { type Reply, type SimRequest } from './server';
import { UNCONFIRMED } from './unconfirmed';

/** 400 `no handler found`: Elasticsearch answers it with a bare string `error` (RestController.handleBadRequest). */
export const noHandler = (method: string, path: string): Reply => ({
  status: 400,
  body: { error: `no handler found for uri [${path}] and method [${method}]` },
});

/** The `{name}` template of a request path among the endpoint's routes for this line, if any. */
export function routeAvailable(endpoint: SpecEndpoint | undefined, method: string, pattern: string): boolean {
  return !!endpoint?.routes.some((r) => r.path === pattern && r.methods.includes(method));
}

interface MediaType {
  raw: string;
  type: string;
  compatibleWith?: number;
}

function parseMediaType(header: string | undefined): MediaType | undefined {
  if (!header) return undefined;
  // Accept may list several ranges; the first one is the one Elasticsearch parses.
  const first = header.split(',')[0]!.trim();
  const [type = '', ...params] = first.split(';').map((p) => p.trim());
  const compat = params.map((p) => /^compatible-with=(\d+)$/i.exec(p)).find(Boolean);
  return { raw: header, type: type.toLowerCase(), compatibleWith: compat ? Number(compat[1]) : undefined };
}

const JSON_TYPES = ['application/json', 'application/vnd.elasticsearch+json'];

function mediaTypeError(headers: string, cause: string): Reply {
  return esError(400, 'media_type_header_exception', `Invalid media-type value on headers [${headers}]`, {
    caused_by: { type: 'status_exception', reason: cause },
  });
}

/**
 * REST API compatibility: a major accepts `compatible-with` of itself and the one before it; with a
 * body, Accept and Content-Type must both carry it and agree. Returns the error, or the content type
 * of the response (the vendor type is echoed with its version).
 */
export function negotiate(
  version: string,
  req: SimRequest,
  hasBody: boolean,
): { error: Reply } | { contentType: string } {
  const major = Number(version.split('.')[0]);
  const minimum = major - 1;
  const accept = parseMediaType(req.headers.accept);
  const contentType = parseMediaType(req.headers['content-type']);
  const acceptVersion = accept?.compatibleWith ?? major;
  const contentVersion = contentType?.compatibleWith ?? major;
  if (acceptVersion > major || acceptVersion < minimum) {
    return {
      error: mediaTypeError(
        'Accept',
        `Accept version must be either version ${major} or ${minimum}, but found ${acceptVersion}. Accept=${accept?.raw}`,
      ),
    };
  }
  if (hasBody) {
    if (contentType && !JSON_TYPES.includes(contentType.type)) {
      return {
        error: {
          status: 406,
          body: { error: `Content-Type header [${contentType.raw}] is not supported`, status: 406 },
        },
      };
    }
    if (contentVersion > major || contentVersion < minimum) {
      return {
        error: mediaTypeError(
          'Content-Type',
          `Content-Type version must be either version ${major} or ${minimum}, but found ${contentVersion}. Content-Type=${contentType?.raw}`,
        ),
      };
    }
    if (contentVersion !== acceptVersion) {
      return {
        error: mediaTypeError(
          'Accept, Content-Type',
          `A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept=${accept?.raw}, Content-Type=${contentType?.raw}`,
        ),
      };
    }
    if ((contentType?.compatibleWith === undefined) !== (accept?.compatibleWith === undefined)) {
      return {
        error: mediaTypeError(
          'Accept, Content-Type',
          `A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version. Accept=${accept?.raw}, Content-Type=${contentType?.raw}`,
        ),
      };
    }
  }
  const vendor = accept?.compatibleWith !== undefined || (hasBody && contentType?.compatibleWith !== undefined);
  return {
    contentType: vendor
      ? `application/vnd.elasticsearch+json;compatible-with=${acceptVersion}`
      : UNCONFIRMED.esJsonContentType,
  };
}

/** Lucene's LevenshteinDistance similarity (1 - edits / longer length), as BaseRestHandler ranks suggestions. */
function similarity(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return 1 - d[a.length]![b.length]! / Math.max(a.length, b.length);
}

/** `request [<path>] contains unrecognized parameter(s): [x] -> did you mean [y]?` (BaseRestHandler.unrecognized). */
function unrecognized(path: string, invalid: string[], candidates: string[]): string {
  const parts = invalid.map((name) => {
    const close = candidates
      .map((c) => [similarity(name, c), c] as const)
      .filter(([s]) => s > 0.5)
      .sort((x, y) => y[0] - x[0] || x[1].localeCompare(y[1]))
      .map(([, c]) => c);
    if (close.length === 0) return `[${name}]`;
    return `[${name}] -> did you mean ${close.length > 1 ? 'any of ' : ''}[${close.join(', ')}]?`;
  });
  return `request [${path}] contains unrecognized parameter${invalid.length > 1 ? 's' : ''}: ${parts.join(', ')}`;
}

/** Query parameters and top-level body fields the endpoint does not declare for this line. */
export function checkRequest(
  facts: EsLineFacts,
  endpoint: SpecEndpoint,
  /** The body parser's name for `unknown field`; undefined when the handler checks the body itself. */
  parser: string | undefined,
  req: SimRequest,
  pathParams: string[],
): Reply | undefined {
  const known = [...Object.keys(endpoint.query), ...facts.commonQuery, ...UNCONFIRMED.esAlwaysAcceptedParams];
  const invalid = [...new Set(req.query.keys())].filter((k) => !known.includes(k)).sort();
  if (invalid.length > 0) {
    return esError(
      400,
      'illegal_argument_exception',
      unrecognized(req.path, invalid, [...Object.keys(endpoint.query), ...pathParams]),
    );
  }
  if (req.body === undefined) return undefined;
  if (!endpoint.body) {
    return esError(
      400,
      'illegal_argument_exception',
      `request [${req.method} ${req.path}] does not support having a body`,
    );
  }
  if (parser !== undefined && typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body)) {
    const unknown = Object.keys(req.body).find((k) => !hasMember(endpoint.body, k));
    if (unknown !== undefined)
      return esError(400, 'x_content_parse_exception', `[${parser}] unknown field [${unknown}]`);
  }
  return undefined;
}

/**
 * The CloudEvents HTTP protocol binding (v1.0.2) for one incoming request: which content mode the
 * Content-Type selects, where the attributes and the data are, and the refusals the binding and the
 * JSON event format call for. Only JSON data is accepted: every crosslink event carries a JSON object.
 */
import { parse as parseMediaType } from 'content-type';
import { CloudEventAttributes, type FieldError, fieldErrors } from '../../domain';
import { parseJsonText } from './json';

export type DecodedEvent =
  | { ok: true; mode: 'structured' | 'binary'; attributes: CloudEventAttributes; data: unknown }
  | { ok: false; status: 400 | 415; errors: FieldError[] };

/** Header values as Node keeps them when repeats are not folded (`req.headersDistinct`). */
export type DistinctHeaders = Record<string, string[] | undefined>;

const STRUCTURED_JSON = 'application/cloudevents+json';
const CE_PREFIX = 'ce-';
/** Spec §3.1.1 (naming conventions): attribute names are lowercase ASCII letters and digits. HTTP header names arrive lowercased. */
const ATTRIBUTE_NAME = /^[a-z0-9]+$/;

export function decodeHttpEvent(headers: DistinctHeaders, body: Buffer): DecodedEvent {
  const declared = headers['content-type'];
  if (declared && declared.length > 1) return refuse(400, '(content-type)', 'appears more than once');
  let mediaType: { type: string; charset?: string } | undefined;
  if (declared?.[0] !== undefined) {
    try {
      const parsed = parseMediaType(declared[0]);
      mediaType = { type: parsed.type, charset: parsed.parameters.charset };
    } catch {
      return refuse(400, '(content-type)', `"${declared[0]}" is not a valid media type`);
    }
  }

  // §3: the prefix, matched case-insensitively (the parser lowercases the type), picks the mode.
  if (mediaType?.type.startsWith('application/cloudevents-batch')) {
    return refuse(415, '(content-type)', 'batched content mode is not accepted; send one event per request');
  }
  if (mediaType?.type.startsWith('application/cloudevents')) {
    if (mediaType.type !== STRUCTURED_JSON) {
      return refuse(415, '(content-type)', `event format ${mediaType.type} is not supported; use ${STRUCTURED_JSON}`);
    }
    if (!isUtf8(mediaType.charset)) return refuse(415, '(content-type)', 'charset must be utf-8');
    return structured(body);
  }
  return binary(headers, declared?.[0], mediaType, body);
}

function structured(body: Buffer): DecodedEvent {
  const json = parseJsonText(body);
  if (!json.ok) return refuse(400, '(body)', json.message);
  if (json.value === null || typeof json.value !== 'object' || Array.isArray(json.value)) {
    return refuse(400, '(body)', 'must be a JSON object (one CloudEvent)');
  }
  const { data, data_base64: dataBase64, ...rest } = json.value as Record<string, unknown>;
  if (dataBase64 !== undefined) return refuse(400, 'data_base64', 'is not accepted: the event data must be JSON');
  // JSON.parse keeps "__proto__" as an own key, which a parsed copy would silently turn into a prototype.
  const badName = Object.keys(rest).find((name) => !ATTRIBUTE_NAME.test(name));
  if (badName !== undefined) return refuse(400, badName, 'is not a valid attribute name ([a-z0-9]+)');
  const attributes = CloudEventAttributes.safeParse(rest);
  if (!attributes.success) return { ok: false, status: 400, errors: fieldErrors(attributes.error) };
  const contentType = attributes.data.datacontenttype;
  if (contentType !== undefined && !declaresJson(contentType)) {
    return refuse(400, 'datacontenttype', 'must declare JSON data (application/json)');
  }
  return { ok: true, mode: 'structured', attributes: attributes.data, data };
}

function binary(
  headers: DistinctHeaders,
  contentType: string | undefined,
  mediaType: { type: string; charset?: string } | undefined,
  body: Buffer,
): DecodedEvent {
  // No prototype: an attribute named like an Object.prototype member (`ce-__proto__`) is a key like any other.
  const raw: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, values] of Object.entries(headers)) {
    if (!name.startsWith(CE_PREFIX) || values === undefined) continue;
    const attribute = name.slice(CE_PREFIX.length);
    if (!ATTRIBUTE_NAME.test(attribute)) {
      return refuse(
        400,
        attribute,
        `header ${name} does not name a CloudEvents attribute (lowercase letters and digits)`,
      );
    }
    if (values.length > 1) return refuse(400, attribute, `header ${name} appears more than once`);
    const decoded = decodeHeaderValue(values[0]!);
    if (decoded === undefined) return refuse(400, attribute, `header ${name} is not valid percent-encoded UTF-8`);
    raw[attribute] = decoded;
  }
  if (Object.keys(raw).length === 0) {
    return refuse(
      400,
      '(content-type)',
      'no CloudEvent found: use content-type application/cloudevents+json (structured) or ce-* headers (binary)',
    );
  }
  // §3.1.1: in binary mode Content-Type is the datacontenttype; a ce-datacontenttype header must not be present.
  if (raw.datacontenttype !== undefined) {
    return refuse(400, 'datacontenttype', 'must travel as Content-Type in binary mode, not as ce-datacontenttype');
  }
  const attributes = CloudEventAttributes.safeParse({ ...raw, datacontenttype: contentType });
  if (!attributes.success) return { ok: false, status: 400, errors: fieldErrors(attributes.error) };
  if (!mediaType || !declaresJson(mediaType.type)) {
    return refuse(
      415,
      '(content-type)',
      `the event data must be JSON: Content-Type ${contentType ? `${contentType} is` : 'is missing and'} not application/json`,
    );
  }
  if (!isUtf8(mediaType.charset)) return refuse(415, '(content-type)', 'charset must be utf-8');
  if (body.length === 0) return { ok: true, mode: 'binary', attributes: attributes.data, data: undefined };
  const json = parseJsonText(body);
  if (!json.ok) return refuse(400, 'data', json.message);
  return { ok: true, mode: 'binary', attributes: attributes.data, data: json.value };
}

/** JSON event format §3.1.1: a media type declares JSON if it is `*\/json` or `*\/*+json`, parameters aside. */
export function declaresJson(contentType: string): boolean {
  let type: string;
  try {
    type = parseMediaType(contentType).type;
  } catch {
    return false;
  }
  const subtype = type.slice(type.indexOf('/') + 1);
  return subtype === 'json' || subtype.endsWith('+json');
}

function isUtf8(charset: string | undefined): boolean {
  return charset === undefined || charset.toLowerCase() === 'utf-8';
}

/**
 * §3.1.3.2: unescape a double-quoted string, then one round of percent-decoding; byte sequences
 * that are not valid UTF-8 (overlong forms included) are refused.
 */
export function decodeHeaderValue(value: string): string | undefined {
  let text = value.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    text = text.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c > 0x7f) {
      return undefined; // RFC 9110 header values carry no raw non-ASCII here: it must be percent-encoded
    } else bytes.push(c);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

function refuse(status: 400 | 415, field: string, message: string): DecodedEvent {
  return { ok: false, status, errors: [{ field, message }] };
}

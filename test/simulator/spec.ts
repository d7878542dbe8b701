/**
 * The ECE spec (Swagger 2.0) compiled with ajv: validate what the simulator answers and what it
 * accepts against the schema of the operation the request maps to.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The ECE spec facts kept in the repository (specs/SOURCES.md says where they come from). */
export const SPEC_PATH = path.resolve(__dirname, '../../specs/ece/ece-api-v1.facts.json');

type Schema = Record<string, unknown>;
interface Operation {
  operationId: string;
  parameters?: Array<{ in: string; name: string; schema?: Schema }>;
  responses: Record<string, { schema?: Schema }>;
}
interface Spec {
  basePath: string;
  paths: Record<string, Record<string, Operation>>;
  definitions: Record<string, Schema>;
}

/** Swagger's `x-nullable: true` in JSON Schema terms: also allow null. */
function allowNullables(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(allowNullables);
  if (typeof node !== 'object' || node === null) return;
  const obj = node as Schema;
  if (obj['x-nullable'] === true && typeof obj.type === 'string') obj.type = [obj.type, 'null'];
  Object.values(obj).forEach(allowNullables);
}

function loadSpec(): Spec {
  const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Spec;
  allowNullables(spec.definitions);
  // KeystoreSecret.value is typed `object`, but its description says "either a string or a JSON
  // object", and removal is written as `{}`, `{"value": null}` or a null secret (cloud-sdk-go's
  // eskeystoreapi comment; docs/sources.md §4C): the spec's types are narrower than the API.
  const secret = spec.definitions.KeystoreSecret as { properties: Record<string, Schema> };
  secret.properties.value = { type: ['string', 'object', 'null'] };
  const contents = spec.definitions.KeystoreContents as { properties: { secrets: Schema } };
  contents.properties.secrets.additionalProperties = {
    anyOf: [{ $ref: '#/definitions/KeystoreSecret' }, { type: 'null' }],
  };
  // ElasticsearchClusterSettings.trust: "A `null` value reverts the field to the default value" (its
  // description), though the spec gives it no x-nullable.
  const settings = spec.definitions.ElasticsearchClusterSettings as { properties: Record<string, Schema> };
  const trust = settings.properties.trust!;
  settings.properties.trust = { anyOf: [{ $ref: trust.$ref }, { type: 'null' }] };
  return spec;
}

export const spec = loadSpec();
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
ajv.addSchema({ $id: 'ece', definitions: spec.definitions });

const cache = new Map<string, ValidateFunction>();
function validator(schema: Schema): ValidateFunction {
  const json = JSON.stringify(schema).replace(/"#\/definitions\//g, '"ece#/definitions/');
  let fn = cache.get(json);
  if (!fn) {
    fn = ajv.compile(JSON.parse(json) as Schema);
    cache.set(json, fn);
  }
  return fn;
}

export function definition(name: string): ValidateFunction {
  return validator({ $ref: `#/definitions/${name}` });
}

/** The spec operation a coordinator request maps to (the `/regions/{region}` prefix removed). */
export function operationFor(method: string, urlPath: string): Operation {
  const rel = urlPath
    .replace(/^\/api\/v1/, '')
    .replace(/^\/regions\/[^/]+(?=\/platform)/, '')
    .split('?')[0]!;
  for (const [template, ops] of Object.entries(spec.paths)) {
    const op = ops[method.toLowerCase()];
    if (!op) continue;
    const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (re.test(rel)) return op;
  }
  throw new Error(`no spec operation for ${method} ${urlPath}`);
}

export interface Conformance {
  operationId: string;
  errors: string[];
}

/** Checks a response against the operation's schema for its status (BasicFailedReply for unlisted errors). */
export function checkResponse(method: string, urlPath: string, status: number, body: unknown): Conformance {
  const op = operationFor(method, urlPath);
  const declared = op.responses[String(status)];
  if (!declared && status < 400) {
    return { operationId: op.operationId, errors: [`status ${status} is not a documented response`] };
  }
  const schema = declared?.schema ?? { $ref: '#/definitions/BasicFailedReply' };
  const fn = validator(schema);
  const valid = fn(body);
  return {
    operationId: op.operationId,
    errors: valid ? [] : (fn.errors ?? []).map((e) => `${e.instancePath} ${e.message}`),
  };
}

/** Checks a request body against the operation's body parameter schema. */
export function checkRequest(method: string, urlPath: string, body: unknown): Conformance {
  const op = operationFor(method, urlPath);
  const param = op.parameters?.find((p) => p.in === 'body');
  if (!param?.schema)
    return { operationId: op.operationId, errors: body === undefined ? [] : ['operation takes no body'] };
  const fn = validator(param.schema);
  const valid = fn(body);
  return {
    operationId: op.operationId,
    errors: valid ? [] : (fn.errors ?? []).map((e) => `${e.instancePath} ${e.message}`),
  };
}

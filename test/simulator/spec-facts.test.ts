/**
 * The ECE spec facts in specs/ece/ are what the conformance tests load: they must cover every
 * operation the project uses and carry no upstream prose (specs/SOURCES.md).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { USED_OPERATIONS, deriveEceFacts } from '../../scripts/specs/derive-ece-spec';
import { type LineFacts, type Member, applyProductSince } from '../../scripts/specs/derive-es-spec';
import { esLines } from '../../simulator/es-spec';
import { SPEC_PATH } from './spec';

const facts = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));

test('the facts file lives inside the repository', () => {
  expect(path.relative(path.resolve(__dirname, '../..'), SPEC_PATH)).toBe('specs/ece/ece-api-v1.facts.json');
});

test('every operation the project uses is in the facts file', () => {
  const ids = Object.values(facts.paths as Record<string, Record<string, { operationId: string }>>).flatMap((ops) =>
    Object.values(ops).map((op) => op.operationId),
  );
  expect([...ids].sort()).toEqual([...USED_OPERATIONS].sort());
});

test('no upstream prose is kept, but fields named like prose are', () => {
  const prose: string[] = [];
  const walk = (node: unknown, at: string, inProperties: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}[${i}]`, false));
    if (typeof node !== 'object' || node === null) return;
    for (const [k, v] of Object.entries(node)) {
      if (!inProperties && ['description', 'summary', 'title', 'example'].includes(k)) prose.push(`${at}.${k}`);
      walk(v, `${at}.${k}`, !inProperties && k === 'properties');
    }
  };
  walk({ ...facts, info: undefined }, '$', false);
  expect(prose).toEqual([]);
});

test('the derivation keeps types, enums and fields and drops prose', () => {
  const upstream = {
    swagger: '2.0',
    info: { title: 't', version: '1', description: 'prose' },
    basePath: '/api/v1',
    paths: Object.fromEntries(
      USED_OPERATIONS.map((op, i) => [
        `/p${i}`,
        {
          get: {
            operationId: op,
            summary: 's',
            description: 'd',
            responses: { '200': { description: 'ok', schema: { $ref: '#/definitions/A' } } },
          },
        },
      ]),
    ),
    definitions: {
      A: {
        type: 'object',
        description: 'prose',
        properties: { description: { type: 'string', description: 'x' }, kind: { type: 'string', enum: ['a', 'b'] } },
      },
      Unused: { type: 'object' },
    },
  };
  const out = deriveEceFacts(upstream as never) as any;
  expect(out.definitions).toEqual({
    A: { type: 'object', properties: { description: { type: 'string' }, kind: { type: 'string', enum: ['a', 'b'] } } },
  });
  expect(out.paths['/p0'].get).toEqual({
    operationId: USED_OPERATIONS[0],
    responses: { '200': { schema: { $ref: '#/definitions/A' } } },
  });
});

describe('Elasticsearch facts: where the product and the specification disagree, the product decides', () => {
  test.each(['8.10', '8.13', '8.14', '9.5'])(
    '%s: put_role takes remote_indices (since 8.10; the spec says 8.14)',
    (line) => {
      const facts = esLines().find((l) => l.line === line)!;
      expect(facts.endpoints['security.put_role']!.body!.remote_indices).toMatchObject({
        since: '8.10.0',
        specSince: '8.14.0',
      });
    },
  );

  test('monitor_enrich is a remote cluster privilege from 8.15 (with remote_cluster), not 8.14', () => {
    const privileges = (line: string) =>
      Object.keys(esLines().find((l) => l.line === line)!.enums.RemoteClusterPrivilege ?? {});
    expect(privileges('8.14')).toEqual([]);
    expect(privileges('8.15')).toEqual(['monitor_enrich']);
    expect(privileges('8.17')).toEqual(['monitor_enrich', 'monitor_stats']);
  });

  test('the derivation re-dates a member and drops it from older lines', () => {
    const line = (name: string, body: Record<string, Member>): LineFacts => ({
      line: name,
      source: { repository: 'r', ref: name, commit: 'c' },
      commonQuery: [],
      endpoints: { 'security.put_role': { routes: [], query: {}, body } },
      types: {},
      enums: { RemoteClusterPrivilege: { monitor_enrich: { since: '8.14.0' } } },
    });
    const newest = line('9.0', { remote_indices: { type: 'X[]', required: false, since: '8.14.0' } });
    const older = line('8.9', {});
    const beta = line('8.12', {});
    for (const l of [older, beta, newest]) applyProductSince(l, newest);
    expect(older.endpoints['security.put_role']!.body).toEqual({});
    expect(beta.endpoints['security.put_role']!.body!.remote_indices).toEqual({
      type: 'X[]',
      required: false,
      since: '8.10.0',
      specSince: '8.14.0',
    });
    expect(beta.enums.RemoteClusterPrivilege).toEqual({});
    expect(newest.enums.RemoteClusterPrivilege).toEqual({ monitor_enrich: { since: '8.15.0', specSince: '8.14.0' } });
  });
});

/**
 * The desired-state file (domain/desired-state.ts, common/desired-state-file.ts): validated by the
 * connection request's own schema, every problem named by file, line, column and field; the JSON
 * Schema published in schemas/ is the one generated from the zod schema, and the example validates
 * against both.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse as parseYaml } from 'yaml';
import { DesiredStateFileError, type FileProblem, parseDesiredState } from '../../common/desired-state-file';
import { declaredRequests } from '../../domain';
import { SCHEMA_FILE, desiredStateJsonSchema } from '../../scripts/docs/desired-state-schema';

const A = 'a9000000000000000000000000000001';
const B = 'b9000000000000000000000000000001';
const EXAMPLE = resolve(__dirname, '../../examples/connections.yaml');

function problems(text: string, file = 'connections.yaml'): FileProblem[] {
  try {
    parseDesiredState(text, file);
  } catch (err) {
    if (err instanceof DesiredStateFileError) return err.problems;
    throw err;
  }
  throw new Error('the file was valid');
}

const where = (p: FileProblem) => `${p.file}:${p.line}:${p.column}: ${p.field}: ${p.message}`;

const connection = (lines: string[]) => [
  'version: 1',
  'connections:',
  `  - local: { environment: ece-a, deploymentId: ${A} }`,
  `    remote: { environment: ece-b, deploymentId: ${B} }`,
  ...lines,
];

describe('the desired-state file', () => {
  it('is read into the same connection requests a request file makes', () => {
    const state = parseDesiredState(
      connection([
        '    alias: logs-b',
        '    model: api_key',
        '    access: { search: [ { names: [ "logs-*" ] } ] }',
        '    key: { expiration: 90d, rotateAfter: 60d }',
        '    gates: [api-key]',
      ]).join('\n'),
      'connections.yaml',
    );
    const [request] = [...declaredRequests(state, 'alice').values()];
    expect(request).toMatchObject({
      alias: 'logs-b',
      securityModel: 'api_key',
      apiKeyExpiration: '90d',
      approval: { gates: ['api-key'], deadline: '24h' },
      requestedBy: 'alice',
    });
  });

  it.each([
    [
      'a misspelt field, at its own key',
      connection(['    alias: logs-b', '    model: api_key', '    acess: { search: [ { names: [ "logs-*" ] } ] }']),
      [
        'connections.yaml:3:5: connections[0].access: is required for the api_key security model',
        'connections.yaml:7:5: connections[0].acess: is not a field of this format (check its spelling and its level)',
      ],
    ],
    [
      "a rule of the request schema (the API key model's access), at the connection",
      connection(['    alias: logs-b', '    model: api_key']),
      ['connections.yaml:3:5: connections[0].access: is required for the api_key security model'],
    ],
    [
      'a bad value deep in the access, at the value',
      connection(['    alias: logs-b', '    model: api_key', '    access:', '      search:', '        - names: []']),
      ['connections.yaml:9:18: connections[0].access.search[0].names: must list at least one index'],
    ],
    [
      "a request field named the file's way (key.expiration for apiKeyExpiration)",
      connection(['    alias: logs-b', '    model: certificate', '    key: { expiration: 90d }']),
      ['connections.yaml:7:24: connections[0].key.expiration: applies only to the api_key model'],
    ],
    [
      'an alias declared twice, at the second',
      [
        ...connection(['    alias: logs-b', '    model: api_key', '    access: { search: [ { names: [ "a" ] } ] }']),
        `  - local: { environment: ece-a, deploymentId: ${A} }`,
        `    remote: { environment: ece-b, deploymentId: ${B} }`,
        '    alias: logs-b',
        '    model: api_key',
        '    access: { search: [ { names: [ "b" ] } ] }',
      ],
      [
        `connections.yaml:10:12: connections[1].alias: alias "logs-b" on ece-a/${A} is declared twice (also connections[0])`,
      ],
    ],
    [
      'a YAML syntax error, at its place',
      ['version: 1', 'connections:', '  - alias: [unclosed'],
      [expect.stringMatching(/^connections\.yaml:3:\d+: \(syntax\): /)],
    ],
  ])('names the file, line, column and field: %s', (_name, lines, expected) => {
    expect(problems(lines.join('\n')).map(where)).toEqual(expected);
  });

  it('reads JSON too, with the lines of its problems', () => {
    const json = JSON.stringify(
      {
        version: 1,
        connections: [
          {
            local: { environment: 'ece-a', deploymentId: A },
            remote: { environment: 'ece-a', deploymentId: B },
            alias: 'logs-b',
            model: 'api_key',
            access: { search: [{ names: ['logs-*'] }] },
          },
        ],
      },
      null,
      2,
    );
    expect(problems(json, 'connections.json').map(where)).toEqual([
      'connections.json:10:24: connections[0].remote.environment: local and remote are in the same ECE environment; crosslink connects deployments in different environments',
    ]);
  });

  it('trust per environment pair: `all` reaches the certificate connections between them, in either order', () => {
    const state = parseDesiredState(
      [
        'version: 1',
        'trust:',
        '  - environments: [ece-b, ece-a]',
        '    deployments: all',
        ...connection(['    alias: certs-b', '    model: certificate']).slice(1),
      ].join('\n'),
      'connections.yaml',
    );
    expect([...declaredRequests(state, 'alice').values()][0]).toMatchObject({ deploymentTrust: 'all' });
    expect(
      problems(
        ['version: 1', 'trust:', '  - environments: [ece-a, ece-a]', '    deployments: all', 'connections: []'].join(
          '\n',
        ),
      ).map(where),
    ).toEqual([
      'connections.yaml:3:27: trust[0].environments[1]: names the same environment twice; trust is between two environments',
    ]);
  });

  it('schemas/connections.schema.json is the JSON Schema generated from the zod schema (npm run docs:schema)', () => {
    expect(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(desiredStateJsonSchema());
  });

  it('examples/connections.yaml is valid by the zod schema and by the published JSON Schema', () => {
    const text = readFileSync(EXAMPLE, 'utf8');
    expect(text).toMatch(/^# yaml-language-server: \$schema=\.\.\/schemas\/connections\.schema\.json$/m);
    const state = parseDesiredState(text, 'examples/connections.yaml');
    expect(state.connections.length).toBeGreaterThan(1);
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
    expect(validate(parseYaml(text))).toBe(true);
    expect(validate({ version: 1, connections: [{ alias: 'x' }] })).toBe(false);
  });
});

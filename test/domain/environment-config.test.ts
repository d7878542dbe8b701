import { EnvironmentsFile, ValidationError, parseOrThrow } from '../../domain';
import { environmentsFile } from './fixtures';

function errorsOf(input: unknown): Array<{ field: string; message: string }> {
  try {
    parseOrThrow(EnvironmentsFile, input, 'environments file');
  } catch (e) {
    if (e instanceof ValidationError) return e.errors;
    throw e;
  }
  throw new Error('expected the file to be refused');
}

describe('EnvironmentsFile', () => {
  it('accepts secrets inline, from variables and from files, and fills defaults', () => {
    const f = parseOrThrow(EnvironmentsFile, environmentsFile(), 'environments file');
    expect(f.environments['ece-a']?.region).toBe('ece-region');
    expect(f.environments['ece-a']?.apiKey).toEqual({ env: 'ECE_A_API_KEY' });
    expect(f.environments['ece-b']?.elasticsearch.deployments).toEqual({});
  });

  it('accepts the plain-string form the simulator prints', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const f = parseOrThrow(
      EnvironmentsFile,
      {
        environments: {
          'ece-a': {
            coordinatorUrl: 'https://127.0.0.1:40001',
            apiKey: 'sim-key',
            caCert: pem,
            elasticsearch: { default: { credentials: { username: 'elastic', password: 'pw' } } },
          },
        },
      },
      'environments file',
    );
    expect(f.environments['ece-a']?.caCert).toBe(pem);
  });

  const cases: Array<[string, (f: Record<string, any>) => unknown, string, RegExp]> = [
    ['no environments', () => ({ environments: {} }), 'environments', /at least one environment/],
    [
      'a plain http coordinator',
      (f) => {
        f.environments['ece-a'].coordinatorUrl = 'http://ece-a:12443';
        return f;
      },
      'environments.ece-a.coordinatorUrl',
      /https/,
    ],
    [
      'a coordinator that is not a URL',
      (f) => {
        f.environments['ece-a'].coordinatorUrl = 'ece-a';
        return f;
      },
      'environments.ece-a.coordinatorUrl',
      /URL/,
    ],
    [
      'a missing API key',
      (f) => {
        delete f.environments['ece-a'].apiKey;
        return f;
      },
      'environments.ece-a.apiKey',
      /./,
    ],
    [
      'a bad variable name',
      (f) => {
        f.environments['ece-a'].apiKey = { env: '1X' };
        return f;
      },
      'environments.ece-a.apiKey',
      /./,
    ],
    [
      'a CA that is not PEM',
      (f) => {
        f.environments['ece-a'].caCert = 'not a cert';
        return f;
      },
      'environments.ece-a.caCert',
      /./,
    ],
    [
      'an environment name with capitals',
      (f) => ({ environments: { ECE: f.environments['ece-a'] } }),
      'environments.ECE',
      /./,
    ],
    [
      'a deployment key that is not an id',
      (f) => {
        f.environments['ece-a'].elasticsearch.deployments = { nope: {} };
        return f;
      },
      'environments.ece-a.elasticsearch.deployments.nope',
      /./,
    ],
    [
      'an unknown field',
      (f) => {
        f.environments['ece-a'].insecure = true;
        return f;
      },
      'environments.ece-a',
      /insecure/,
    ],
  ];

  it.each(cases)('refuses %s, naming the field', (_name, mutate, field, message) => {
    const errors = errorsOf(mutate(environmentsFile() as Record<string, any>));
    const hit = errors.find((e) => e.field === field || e.field.startsWith(field));
    expect(hit).toBeDefined();
    expect(hit?.message).toMatch(message);
  });
});

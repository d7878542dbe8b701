import { ApplicationFailure } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { EnvironmentsFile } from '../../domain/environment-config';
import { createEnvironmentRegistry, resolveEnvironments } from '../../activities/environments';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const DEP = 'a8150000000000000000000000000002';

function file(overrides: Record<string, unknown> = {}) {
  return EnvironmentsFile.parse({
    environments: {
      'ece-a': {
        coordinatorUrl: 'https://ece-a.example:12443',
        apiKey: { env: 'ECE_A_KEY' },
        caCert: { file: '/etc/crosslink/ece-a.pem' },
        elasticsearch: {
          default: { credentials: { username: 'elastic', password: { file: '/run/secrets/es-a' } } },
          deployments: { [DEP]: { url: 'https://es.example:9243', credentials: { apiKey: 'inline-es-key' } } },
        },
        ...overrides,
      },
    },
  });
}

const files: Record<string, string> = {
  '/etc/crosslink/ece-a.pem': PEM,
  '/run/secrets/es-a': 'es-password\n',
};
const readFile = (p: string) => {
  if (!(p in files)) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
  return files[p]!;
};

describe('resolveEnvironments', () => {
  it('reads variables, files and inline values', () => {
    const sealing = randomBytes(32).toString('base64');
    const resolved = resolveEnvironments(file(), {
      env: { ECE_A_KEY: 'ece-key', CROSSLINK_SEALING_KEY: sealing },
      readFile,
    });
    const a = resolved.environments['ece-a']!;
    expect(a.apiKey).toBe('ece-key');
    expect(a.caCert).toBe(PEM);
    expect(a.region).toBe('ece-region');
    expect(a.defaultCredentials).toEqual({ kind: 'basic', username: 'elastic', password: 'es-password' });
    expect(a.deployments[DEP]).toEqual({
      url: 'https://es.example:9243',
      credentials: { kind: 'apiKey', apiKey: 'inline-es-key' },
    });
    expect(resolved.sealingKey?.toString('base64')).toBe(sealing);
  });

  it('names the field of a missing variable or file', () => {
    expect(() => resolveEnvironments(file(), { env: {}, readFile })).toThrow(
      'environments.ece-a.apiKey: environment variable ECE_A_KEY is not set',
    );
    expect(() =>
      resolveEnvironments(file(), {
        env: { ECE_A_KEY: 'k' },
        readFile: () => {
          throw Object.assign(new Error('x'), { code: 'ENOENT' });
        },
      }),
    ).toThrow('environments.ece-a.caCert: cannot read file /etc/crosslink/ece-a.pem (ENOENT)');
  });

  it('refuses a sealing key of the wrong size', () => {
    expect(() =>
      resolveEnvironments(file(), { env: { ECE_A_KEY: 'k', CROSSLINK_SEALING_KEY: 'c2hvcnQ=' }, readFile }),
    ).toThrow('sealingKey: must be 32 bytes');
  });
});

describe('createEnvironmentRegistry', () => {
  const registry = createEnvironmentRegistry(resolveEnvironments(file(), { env: { ECE_A_KEY: 'k' }, readFile }));

  it('gives an ECE client per environment and an ES client per deployment', () => {
    expect(registry.names()).toEqual(['ece-a']);
    expect(registry.ece('ece-a').environment).toBe('ece-a');
    expect(registry.elasticsearch('ece-a', DEP, 'https://ignored.example').url).toBe('https://es.example:9243');
    const other = 'a9000000000000000000000000000001';
    expect(registry.elasticsearch('ece-a', other, 'https://svc.example:9243').url).toBe('https://svc.example:9243');
    expect(registry.esCredentialKind('ece-a', DEP)).toBe('apiKey');
    expect(registry.esCredentialKind('ece-a', other)).toBe('basic');
  });

  it('an unknown environment is a ConfigurationError naming it', () => {
    let error: unknown;
    try {
      registry.ece('ece-z');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: 'ConfigurationError', nonRetryable: true });
    expect((error as Error).message).toContain('"ece-z"');
  });
});

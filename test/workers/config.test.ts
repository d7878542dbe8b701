import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../domain';
import { WorkerConfigError, loadWorkerConfig } from '../../workers/config';
import { tempDirs } from '../harness/temp-dir';

const tempDir = tempDirs();

const SEALING_KEY = Buffer.alloc(32, 7).toString('base64');
const CA = '-----BEGIN CERTIFICATE-----\nMIIBdummy\n-----END CERTIFICATE-----\n';

function environmentsFile(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    environments: {
      'ece-a': {
        coordinatorUrl: 'https://ece-a.example:12443',
        apiKey: { env: 'ECE_A_API_KEY' },
        caCert: { file: 'ca-a.pem' },
        elasticsearch: { default: { credentials: { username: 'elastic', password: { file: 'es-a-password' } } } },
      },
      'ece-b': {
        coordinatorUrl: 'https://ece-b.example:12443',
        apiKey: 'inline-ece-b-key-for-the-simulator',
      },
    },
    sealingKey: { env: 'CROSSLINK_SEALING_KEY' },
    ...overrides,
  };
}

function writeConfig(content: unknown): { dir: string; path: string } {
  const dir = tempDir('crosslink-config-');
  writeFileSync(join(dir, 'ca-a.pem'), CA);
  writeFileSync(join(dir, 'es-a-password'), 'es-a-password-from-file\n');
  const path = join(dir, 'environments.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return { dir, path };
}

/** Relative `file` references resolve against the test's temp folder. */
function load(path: string, dir: string, env: NodeJS.ProcessEnv) {
  return loadWorkerConfig({
    env: { CROSSLINK_ENVIRONMENTS: path, ...env },
    readFile: (p) => readFileSync(p.startsWith('/') ? p : join(dir, p), 'utf8'),
  });
}

const ENV = { ECE_A_API_KEY: 'ece-a-api-key-from-env', CROSSLINK_SEALING_KEY: SEALING_KEY };

describe('worker configuration', () => {
  test('a good file resolves secrets by environment variable, by file and inline', () => {
    const { dir, path } = writeConfig(environmentsFile());
    const config = load(path, dir, ENV);
    const a = config.resolved.environments['ece-a'];
    expect(a?.apiKey).toBe('ece-a-api-key-from-env');
    expect(a?.caCert).toBe(CA);
    expect(a?.defaultCredentials).toEqual({ kind: 'basic', username: 'elastic', password: 'es-a-password-from-file' });
    expect(config.resolved.environments['ece-b']?.apiKey).toBe('inline-ece-b-key-for-the-simulator');
    expect(config.resolved.environments['ece-b']?.region).toBe('ece-region');
    expect(config.sealingKey.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(config.source).toBe(path);
    expect(config.secrets).toEqual(
      expect.arrayContaining([
        'ece-a-api-key-from-env',
        'es-a-password-from-file',
        'inline-ece-b-key-for-the-simulator',
        SEALING_KEY,
      ]),
    );
  });

  test('the sealing key falls back to CROSSLINK_SEALING_KEY when the file names none', () => {
    const { dir, path } = writeConfig(environmentsFile({ sealingKey: undefined }));
    expect(load(path, dir, ENV).sealingKey.length).toBe(32);
  });

  test('a missing environment variable secret refuses to start, naming the field and the variable', () => {
    const { dir, path } = writeConfig(environmentsFile());
    expect(() => load(path, dir, { CROSSLINK_SEALING_KEY: SEALING_KEY })).toThrow(
      /environments\.ece-a\.apiKey: environment variable ECE_A_API_KEY is not set/,
    );
  });

  test('a missing secret file refuses to start, naming the field', () => {
    const { dir, path } = writeConfig(
      environmentsFile({
        environments: {
          'ece-a': {
            coordinatorUrl: 'https://ece-a.example:12443',
            apiKey: { file: '/nonexistent/ece-a-key' },
          },
        },
      }),
    );
    expect(() => load(path, dir, ENV)).toThrow(
      /environments\.ece-a\.apiKey: cannot read file \/nonexistent\/ece-a-key/,
    );
  });

  test('no sealing key anywhere refuses to start and says how to make one', () => {
    const { dir, path } = writeConfig(environmentsFile({ sealingKey: undefined }));
    expect(() => load(path, dir, { ECE_A_API_KEY: 'x' })).toThrow(WorkerConfigError);
    expect(() => load(path, dir, { ECE_A_API_KEY: 'x' })).toThrow(/no sealing key.*openssl rand -base64 32/);
  });

  test('a sealing key that is not 32 bytes is refused', () => {
    const { dir, path } = writeConfig(environmentsFile());
    expect(() => load(path, dir, { ...ENV, CROSSLINK_SEALING_KEY: Buffer.alloc(16).toString('base64') })).toThrow(
      /sealingKey: must be 32 bytes/,
    );
  });

  test('a bad file names each bad field', () => {
    const bad = environmentsFile();
    const envs = bad.environments as Record<string, Record<string, unknown>>;
    envs['ece-a'] = { ...envs['ece-a'], coordinatorUrl: 'http://ece-a.example:12443' };
    envs['ECE_B'] = { coordinatorUrl: 'https://b.example', apiKey: 'k' };
    const { dir, path } = writeConfig(bad);
    let error: unknown;
    try {
      load(path, dir, ENV);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const fields = (error as ValidationError).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['environments.ece-a.coordinatorUrl', 'environments.ECE_B']));
    expect((error as ValidationError).message).toMatch(/must be an https:\/\/ URL/);
  });

  test('an unknown field is refused by name', () => {
    const { dir, path } = writeConfig(environmentsFile({ temporal: { address: 'x' } }));
    expect(() => load(path, dir, ENV)).toThrow(/\(root\): Unrecognized key: "temporal"|temporal/);
  });

  test('no path, an unreadable file and invalid JSON each say what to do', () => {
    expect(() => loadWorkerConfig({ env: {} })).toThrow(/set CROSSLINK_ENVIRONMENTS/);
    expect(() => loadWorkerConfig({ env: { CROSSLINK_ENVIRONMENTS: '/nonexistent/environments.json' } })).toThrow(
      /cannot read the environments file \/nonexistent\/environments\.json: ENOENT/,
    );
    const { dir, path } = writeConfig('{"environments": ');
    expect(() => load(path, dir, ENV)).toThrow(/is not valid JSON/);
  });

  test('the configuration can also be passed as data (the local run)', () => {
    const config = loadWorkerConfig({
      data: {
        environments: { 'ece-b': { coordinatorUrl: 'https://b.example', apiKey: 'inline-key-value' } },
        sealingKey: SEALING_KEY,
      },
      env: {},
    });
    expect(config.source).toBe('inline');
    expect(Object.keys(config.resolved.environments)).toEqual(['ece-b']);
  });
});

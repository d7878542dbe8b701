import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveTemporalTarget, workflowUiUrl } from '../../client/temporal-connection';
import { suiteTempDir } from '../harness/temp-dir';

/** A config folder without a temporal.toml, so the machine's own profile never leaks in. */
const HOME = suiteTempDir('crosslink-home-');
const base = { HOME, XDG_CONFIG_HOME: join(HOME, '.config') };

describe('Temporal target from the standard environment configuration', () => {
  test('defaults to a local dev server', () => {
    const t = resolveTemporalTarget({ env: base });
    expect(t).toMatchObject({
      address: 'localhost:7233',
      namespace: 'default',
      tls: false,
      uiUrl: 'http://localhost:8233',
    });
  });

  test('TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and TEMPORAL_API_KEY (which turns TLS on) name Temporal Cloud', () => {
    const t = resolveTemporalTarget({
      env: {
        ...base,
        TEMPORAL_ADDRESS: 'crosslink.a1b2c.tmprl.cloud:7233',
        TEMPORAL_NAMESPACE: 'crosslink.a1b2c',
        TEMPORAL_API_KEY: 'key-123',
        TEMPORAL_UI_URL: 'https://cloud.temporal.io/',
      },
    });
    expect(t.address).toBe('crosslink.a1b2c.tmprl.cloud:7233');
    expect(t.namespace).toBe('crosslink.a1b2c');
    expect(t.tls).toBe(true);
    expect(t.connectionOptions).toMatchObject({ address: 'crosslink.a1b2c.tmprl.cloud:7233', apiKey: 'key-123' });
    expect(workflowUiUrl(t, 'crosslink.ece-a.a9.logs-b')).toBe(
      'https://cloud.temporal.io/namespaces/crosslink.a1b2c/workflows/crosslink.ece-a.a9.logs-b',
    );
  });

  test('a TOML profile is read, and variables override it', () => {
    const file = join(HOME, 'temporal.toml');
    writeFileSync(
      file,
      '[profile.prod]\naddress = "temporal.prod.internal:7233"\nnamespace = "crosslink"\n[profile.prod.tls]\nserver_name = "temporal.prod"\n',
    );
    const t = resolveTemporalTarget({ env: { ...base, TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' } });
    expect(t).toMatchObject({ address: 'temporal.prod.internal:7233', namespace: 'crosslink', tls: true });
    const overridden = resolveTemporalTarget({
      env: { ...base, TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod', TEMPORAL_NAMESPACE: 'other' },
    });
    expect(overridden.namespace).toBe('other');
  });

  test('a missing profile is an error that names the configuration', () => {
    expect(() => resolveTemporalTarget({ env: { ...base, TEMPORAL_PROFILE: 'nope' } })).toThrow(
      /cannot read the Temporal client configuration.*Profile 'nope' not found/,
    );
  });
});

import { AuditOptions, auditReport, connectionDrift, driftLevel } from '../../domain/drift';
import { type ManagedConnection } from '../../domain/inventory';
import { NOW, apiKeyConnection, days, inventory } from '../lifecycle/fixtures';

const WARN = 14 * 86_400_000;
const key = apiKeyConnection().keys[0]!;
const certificate = (trust: { local: boolean; remote: boolean }): Partial<ManagedConnection> => ({
  model: 'certificate',
  keys: [],
  keystoreCredentials: undefined,
  deploymentTrust: trust,
  settings: { mode: 'proxy', proxyAddress: 'b9.ece-b.ece.local:9400', serverName: 'b9.ece-b.ece.local' },
  expected: { mode: 'proxy', proxyAddress: 'b9.ece-b.ece.local:9400', serverName: 'b9.ece-b.ece.local' },
});

const cases: Array<[string, Partial<ManagedConnection>, Array<[string, string]>]> = [
  ['healthy, key far from expiry', {}, []],
  ['key without expiry', { keys: [{ ...key, expiresAt: undefined }] }, []],
  ['key expiring within the window', { keys: [{ ...key, expiresAt: days(3) }] }, [['key-expiring', 'rotate']]],
  ['key expiring exactly at the window', { keys: [{ ...key, expiresAt: days(14) }] }, [['key-expiring', 'rotate']]],
  [
    'key expired',
    {
      keys: [{ ...key, active: false, expiresAt: days(-1) }],
      health: { status: 'broken', causes: ['key invalid: ...'] },
    },
    [
      ['broken', 'investigate'],
      ['key-expired', 're-run connect'],
    ],
  ],
  ['key invalidated', { keys: [{ ...key, active: false, invalidated: true }] }, [['key-invalid', 're-run connect']]],
  ['no key at all', { keys: [] }, [['key-invalid', 're-run connect']]],
  ['two active keys', { keys: [key, { ...key, id: 'key-2' }] }, [['extra-keys', 'disconnect']]],
  ['keystore entry gone', { keystoreCredentials: false }, [['keystore-missing', 're-run connect']]],
  ['keystore unread: no finding', { keystoreCredentials: undefined }, []],
  [
    'settings removed',
    { settings: undefined, health: { status: 'broken', causes: ['the alias is not registered'] } },
    [
      ['broken', 'investigate'],
      ['settings-missing', 're-run register-remote'],
    ],
  ],
  [
    'proxy address changed',
    { settings: { mode: 'proxy', proxyAddress: 'b9.ece-b.ece.local:9400', serverName: 'b9.ece-b.ece.local' } },
    [['settings-changed', 're-run register-remote']],
  ],
  [
    'skip_unavailable changed: the request decides it, not drift',
    { settings: { ...apiKeyConnection().settings, skipUnavailable: false } },
    [],
  ],
  ['remote unknown: settings not compared', { expected: undefined, settings: { mode: 'sniff' } }, []],
  [
    'degraded health',
    { health: { status: 'degraded', causes: ['_resolve/cluster reported an error: x'] } },
    [['degraded', 'investigate']],
  ],
  ['certificate with trust both ways', certificate({ local: true, remote: true }), []],
  [
    'certificate with the remote trust removed',
    certificate({ local: true, remote: false }),
    [['trust-missing', 're-run deployment-trust']],
  ],
];

describe('connectionDrift', () => {
  it.each(cases)('%s', (_name, overrides, expected) => {
    const drift = connectionDrift(apiKeyConnection(overrides), NOW, WARN);
    expect(drift.map((d) => [d.kind, d.repair[0]])).toEqual(expected);
    for (const d of drift) expect(d.detail.length).toBeGreaterThan(0);
  });
});

describe('auditReport', () => {
  it('counts health and drift, and names the worst finding', () => {
    const options = AuditOptions.parse({});
    const healthy = apiKeyConnection();
    const expiring = apiKeyConnection({ connectionId: 'c2', keys: [{ ...key, expiresAt: days(1) }] });
    const report = auditReport(inventory([healthy, expiring]), options, NOW);
    expect(report).toMatchObject({
      auditedAt: new Date(NOW).toISOString(),
      expiryWarning: '14d',
      driftCount: 1,
      health: { connected: 2, degraded: 0, broken: 0 },
    });
    expect(driftLevel(report)).toBe('drift');
    const broken = apiKeyConnection({ connectionId: 'c3', health: { status: 'broken', causes: ['x'] } });
    expect(driftLevel(auditReport(inventory([healthy, broken]), options, NOW))).toBe('broken');
    expect(driftLevel(auditReport(inventory([healthy]), options, NOW))).toBe('none');
  });

  it('takes the expiry window from the options', () => {
    const c = apiKeyConnection({ keys: [{ ...key, expiresAt: days(20) }] });
    expect(auditReport(inventory([c]), AuditOptions.parse({}), NOW).driftCount).toBe(0);
    expect(auditReport(inventory([c]), AuditOptions.parse({ expiryWarning: '30d' }), NOW).driftCount).toBe(1);
  });
});

describe('auditReport and the classes (issue 18)', () => {
  const options = AuditOptions.parse({});
  /** What a rollback or a disconnect leaves: an invalidated key, no settings, no keystore entry. */
  const residue = apiKeyConnection({
    connectionId: 'crosslink.ece-a.a9.gone',
    alias: 'gone',
    class: 'residue',
    settings: undefined,
    keystoreCredentials: false,
    keys: [{ ...key, active: false, invalidated: true }],
    health: { status: 'broken', causes: ['the alias is not registered on the local cluster'] },
  });
  const open = apiKeyConnection({
    connectionId: 'crosslink.ece-a.a9.busy',
    alias: 'busy',
    class: 'in-progress',
    keys: [],
    run: { workflowId: 'crosslink.ece-a.a9.busy', runId: 'r7', operation: 'connect', status: 'running' },
  });
  const leftover = apiKeyConnection({
    connectionId: 'crosslink.ece-a.a9.cut',
    alias: 'cut',
    class: 'leftover',
    run: { workflowId: 'crosslink.ece-a.a9.cut', runId: 'r9', operation: 'connect', status: 'terminated' },
    leftover: { left: ['keystore credential x'], cleanup: 'crosslink disconnect ece-a a9 cut --as <you>' },
    health: { status: 'broken', causes: ['never verified'] },
  });

  it('residue and connections in progress are not audited: no drift, nothing broken', () => {
    const report = auditReport(inventory([apiKeyConnection(), residue, open]), options, NOW);
    expect(report.connections.map((c) => c.alias)).toEqual(['logs']);
    expect(report).toMatchObject({
      driftCount: 0,
      health: { connected: 1, degraded: 0, broken: 0 },
      leftovers: 0,
      skipped: { inProgress: 1, residue: 1 },
    });
    expect(driftLevel(report)).toBe('none');
  });

  it('a leftover is one drift item whose repair is the disconnect, apart from the connections health', () => {
    const report = auditReport(inventory([apiKeyConnection(), leftover]), options, NOW);
    const drift = report.connections.find((c) => c.alias === 'cut')?.drift;
    expect(drift).toEqual([
      {
        kind: 'leftover',
        detail:
          'run r9 (connect, terminated) ended without undoing what it created; still there: keystore credential x',
        repair: ['disconnect'],
      },
    ]);
    expect(report).toMatchObject({ driftCount: 1, leftovers: 1, health: { connected: 1, degraded: 0, broken: 0 } });
    expect(driftLevel(report)).toBe('drift');
  });

  it('an inventory recorded before the classes is all connections (a replayed audit decides the same)', () => {
    const { class: _class, ...old } = residue;
    const report = auditReport(inventory([old as typeof residue]), options, NOW);
    expect(report.connections.map((c) => c.alias)).toEqual(['gone']);
  });
});

/**
 * The plan of a desired state against an inventory (domain/desired-plan.ts): a pure function of
 * the file, the observed estate and the time, checked case by case.
 */
import {
  type DesiredState,
  DesiredState as DesiredStateSchema,
  type DesiredStateInput,
  type ManagedConnection,
  estateChanges,
  planDesiredState,
  planHasChanges,
  planRefusal,
} from '../../domain';
import { NOW, apiKeyConnection, inventory } from '../lifecycle/fixtures';

const A = 'a9000000000000000000000000000001';
const B = 'b9000000000000000000000000000001';
const B2 = 'b9000000000000000000000000000002';
const ID = `crosslink.ece-a.${A}.logs`;
const DAY = 86_400_000;

function desired(connections: DesiredStateInput['connections'], extra: Partial<DesiredStateInput> = {}): DesiredState {
  return DesiredStateSchema.parse({ version: 1, connections, ...extra });
}

type Declared = DesiredStateInput['connections'][number];
const logs = (overrides: Record<string, unknown> = {}): Declared =>
  ({
    local: { environment: 'ece-a', deploymentId: A },
    remote: { environment: 'ece-b', deploymentId: B },
    alias: 'logs',
    model: 'api_key',
    access: { search: [{ names: ['logs-*'] }] },
    ...overrides,
  }) as Declared;

/** The fixture's connection, under the ids the file uses. */
const observed = (overrides: Partial<ManagedConnection> = {}): ManagedConnection =>
  apiKeyConnection({
    connectionId: ID,
    local: { environment: 'ece-a', deploymentId: A },
    remote: { environment: 'ece-b', deploymentId: B, endpoint: 'b9.ece-b.ece.local' },
    ...overrides,
  });

const OPTIONS = { prune: false, now: NOW, requestedBy: 'alice', source: 'connections.yaml' };

type Case = [
  name: string,
  declared: DesiredStateInput['connections'],
  found: ManagedConnection[],
  expected: Array<[status: string, actions: string[]]>,
  options: Partial<typeof OPTIONS>,
];

const cases: Case[] = [
  ['declared, not there: create', [logs()], [], [['change', ['create']]], {}],
  ['declared and in place: unchanged', [logs()], [observed()], [['unchanged', []]], {}],
  ['only residue of it: create', [logs()], [observed({ class: 'residue', keys: [] })], [['change', ['create']]], {}],
  [
    'other access: update-access',
    [logs({ access: { search: [{ names: ['logs-*', 'metrics-*'] }] } })],
    [observed()],
    [['change', ['update-access']]],
    {},
  ],
  [
    'the same access written differently (names as one string): unchanged',
    [logs({ access: { search: [{ names: 'logs-*' }] } })],
    [observed()],
    [['unchanged', []]],
    {},
  ],
  [
    'a key older than rotateAfter: rotate',
    [logs({ key: { rotateAfter: '30d' } })],
    [observed()],
    [['change', ['rotate']]],
    {},
  ],
  [
    'a key younger than rotateAfter: unchanged',
    [logs({ key: { rotateAfter: '60d' } })],
    [observed()],
    [['unchanged', []]],
    {},
  ],
  [
    'other access and an old key: update, then rotate',
    [logs({ access: { replication: [{ names: ['logs-*'] }] }, key: { rotateAfter: '30d' } })],
    [observed()],
    [['change', ['update-access', 'rotate']]],
    {},
  ],
  [
    'the key invalidated by hand: connect again',
    [logs()],
    [observed({ keys: [{ ...apiKeyConnection().keys[0]!, active: false, invalidated: true }] })],
    [['change', ['create']]],
    {},
  ],
  [
    'another model: migrate-model',
    [logs({ model: 'certificate', access: undefined })],
    [observed()],
    [['change', ['migrate-model']]],
    {},
  ],
  [
    'two live keys: blocked',
    [logs()],
    [observed({ keys: [apiKeyConnection().keys[0]!, { ...apiKeyConnection().keys[0]!, id: 'key-2' }] })],
    [['blocked', []]],
    {},
  ],
  [
    'a run in progress: blocked',
    [logs()],
    [observed({ class: 'in-progress', run: { workflowId: ID, runId: 'r1', operation: 'connect', status: 'running' } })],
    [['blocked', []]],
    {},
  ],
  [
    'the alias points at another remote: blocked',
    [logs({ remote: { environment: 'ece-b', deploymentId: B2 } })],
    [observed()],
    [['blocked', []]],
    {},
  ],
  ['not declared, no --prune: kept', [], [observed()], [['undeclared', []]], {}],
  ['not declared, --prune: disconnect', [], [observed()], [['change', ['disconnect']]], { prune: true }],
  ['not declared, out of scope: not in the plan', [], [observed()], [], { prune: true }],
];

describe('planDesiredState', () => {
  it.each(cases)('%s', (name, declared, found, expected, options) => {
    const scope = name.includes('out of scope') ? { scope: { environments: ['ece-z'] } } : {};
    const plan = planDesiredState(desired(declared, scope), inventory(found), { ...OPTIONS, ...options });
    expect(plan.entries.map((e) => [e.status, e.actions.map((a) => a.kind)])).toEqual(expected);
    expect(planHasChanges(plan)).toBe(expected.some(([status]) => status === 'change' || status === 'blocked'));
  });

  it('an access update says before -> after per field, and carries the update-access request', () => {
    const plan = planDesiredState(
      desired([logs({ access: { search: [{ names: ['logs-*', 'metrics-*'] }] } })]),
      inventory([observed()]),
      OPTIONS,
    );
    const [action] = plan.entries[0]!.actions;
    expect(action!.changes).toEqual([
      { field: 'access.search[0].names', before: ['logs-*'], after: ['logs-*', 'metrics-*'] },
    ]);
    expect(action!.request).toMatchObject({
      local: { environment: 'ece-a', deploymentId: A },
      alias: 'logs',
      access: { search: [{ names: ['logs-*', 'metrics-*'] }] },
      requestedBy: 'alice',
    });
  });

  it('counts each kind, and a file and estate that agree plan no changes', () => {
    const plan = planDesiredState(desired([logs(), logs({ alias: 'metrics' })]), inventory([observed()]), OPTIONS);
    expect(plan.counts).toMatchObject({ create: 1, unchanged: 1, 'update-access': 0, disconnect: 0 });
    const none = planDesiredState(desired([logs()]), inventory([observed()]), OPTIONS);
    expect(planHasChanges(none)).toBe(false);
  });

  it('a rotation is due at exactly rotateAfter', () => {
    const created = new Date(NOW - 30 * DAY).toISOString();
    const key = { ...apiKeyConnection().keys[0]!, createdAt: created };
    const plan = planDesiredState(
      desired([logs({ key: { rotateAfter: '30d' } })]),
      inventory([observed({ keys: [key] })]),
      OPTIONS,
    );
    expect(plan.entries[0]!.actions.map((a) => a.kind)).toEqual(['rotate']);
  });
});

describe('planRefusal', () => {
  it('refuses an inventory that could not read everything, or was cut short', () => {
    expect(planRefusal(inventory([]))).toBeUndefined();
    expect(planRefusal(inventory([], { errors: [{ environment: 'ece-b', message: 'timeout' }] }))).toMatch(
      /could not read everything \(ece-b: timeout\)/,
    );
    expect(planRefusal(inventory([], { truncated: true }))).toMatch(/cut short/);
  });
});

describe('estateChanges', () => {
  const plan = planDesiredState(desired([logs()]), inventory([observed()]), OPTIONS);

  it('is empty while the estate is as planned, health changes aside', () => {
    const degraded = observed({ health: { status: 'degraded', causes: ['slow'] } });
    expect(estateChanges(plan, inventory([degraded]))).toEqual([]);
  });

  it('names the connection and field that changed since the plan', () => {
    const rekeyed = observed({ keys: [{ ...apiKeyConnection().keys[0]!, access: { search: [{ names: ['*'] }] } }] });
    expect(estateChanges(plan, inventory([rekeyed]))).toEqual([
      { connectionId: ID, changes: [{ field: 'keys[0].access.search[0].names[0]', before: 'logs-*', after: '*' }] },
    ]);
    expect(estateChanges(plan, inventory([]))).toEqual([
      { connectionId: ID, changes: [expect.objectContaining({ field: '(value)', after: null })] },
    ]);
  });
});

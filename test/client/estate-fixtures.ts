/**
 * Estates for the picture's tests: the local run's, as `crosslink connections --json` printed it
 * (captured after `npm run local -- --auto-approve --keep`), and one with every kind of edge.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectionInventory } from '../../domain/inventory';
import { type EstateConnection, type EstateInventory } from '../../client/cli/render/estate/model';
import { apiKeyConnection, days, inventory } from '../lifecycle/fixtures';

export function localRunEstate(): ConnectionInventory {
  const text = readFileSync(join(__dirname, 'fixtures', 'estate-local-run.json'), 'utf8');
  return ConnectionInventory.parse(JSON.parse(text));
}

const base = apiKeyConnection();
const key = base.keys[0]!;
const c9 = {
  environment: 'ece-c',
  deploymentId: 'c9000000000000000000000000000001',
  name: 'archive-c-9',
  version: '9.0.2',
};

function connection(alias: string, extra: Partial<EstateConnection> & Record<string, unknown> = {}): EstateConnection {
  return { ...base, connectionId: `crosslink.ece-a.a9.${alias}`, alias, ...extra };
}

/** Every kind the picture draws: healthy, degraded, broken, in progress, leftover, residue, unknown and unmanaged. */
export function everyKindEstate(): EstateInventory {
  const connections: EstateConnection[] = [
    connection('logs'),
    connection('metrics', {
      keys: [
        {
          ...key,
          id: 'old',
          active: false,
          invalidated: true,
          createdAt: days(-90),
          access: { search: [{ names: ['old-*'] }] },
        },
        {
          ...key,
          id: 'new',
          createdAt: days(-10),
          expiresAt: days(5),
          access: { search: [{ names: ['metrics-*'] }], replication: [{ names: ['metrics-ccr'] }] },
        },
      ],
      health: { status: 'degraded', causes: ['probe: _resolve/cluster reported an error'] },
    }),
    connection('archive', {
      remote: c9,
      keys: [{ ...key, expiresAt: days(-3) }],
      health: { status: 'broken', causes: ['key expired'] },
    }),
    connection('audit', {
      remote: c9,
      class: 'in-progress',
      run: { workflowId: 'crosslink.ece-a.a9.audit', runId: 'run-7', operation: 'connect', status: 'running' },
      health: { status: 'broken', causes: ['the run has not registered the remote yet'] },
    }),
    connection('old', {
      class: 'leftover',
      keys: [],
      leftover: {
        left: ['cross-cluster key key-9', 'role crosslink-old-reader'],
        cleanup: 'crosslink disconnect ece-a a9 old --as <you>',
      },
      health: { status: 'broken', causes: ['no remote cluster settings'] },
    }),
    connection('ghost', { class: 'residue', keys: [], health: { status: 'broken', causes: ['invalidated key only'] } }),
    {
      ...base,
      connectionId: 'crosslink.ece-b.b9.back',
      local: base.remote!,
      remote: base.local,
      alias: 'back',
      model: 'certificate',
      keys: [],
    },
    connection('lost', { remote: undefined, health: { status: 'broken', causes: ['remote not found'] } }),
  ];
  return {
    ...inventory([], {
      environments: [
        { name: 'ece-a', deployments: 3 },
        { name: 'ece-b', deployments: 3 },
        { name: 'ece-c', deployments: 1 },
        { name: 'ece-d', deployments: 2 },
      ],
      unmanaged: [
        {
          environment: 'ece-a',
          deploymentId: 'a815',
          alias: 'legacy-remote',
          mode: 'sniff',
          address: '10.20.30.40:9300',
        },
      ],
    }),
    connections,
  };
}

/** What every kind's edge is, by alias: the kind and health the picture must show. */
export const EVERY_KIND_EDGES = {
  logs: { kind: 'connection', health: 'connected' },
  metrics: { kind: 'connection', health: 'degraded' },
  archive: { kind: 'connection', health: 'broken' },
  audit: { kind: 'in-progress', health: 'broken' },
  old: { kind: 'leftover', health: 'broken' },
  back: { kind: 'connection', health: 'connected' },
  lost: { kind: 'connection', health: 'broken' },
  'legacy-remote': { kind: 'unmanaged', health: 'unmanaged' },
} as const;

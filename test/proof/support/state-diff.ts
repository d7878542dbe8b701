/**
 * Differences between two comparable simulator states, as stable, readable paths
 * (`ece-a/a815…/keystore/cluster.remote.logs-b.credentials`). Arrays of named objects are keyed by
 * name, generated ids and certificates are masked, so a diff can be compared across simulators.
 */
import { type CreatedResource, type ResourceKind } from '../../../domain/records';
import { type SimulatorSnapshot } from '../../../simulator/api';

export interface Change {
  path: string;
  kind: 'added' | 'removed' | 'changed';
}

const MASKED = new Set(['id', 'uid', 'trust_relationship_id', 'pem', 'public_ca_cert']);

function flatten(value: unknown, path: string, out: Map<string, string>, mask: boolean): void {
  if (Array.isArray(value)) {
    if (value.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v))) {
      const seen = new Map<string, number>();
      value.forEach((v, i) => {
        const o = v as Record<string, unknown>;
        const base = String(o.name ?? o.account_id ?? i);
        const n = (seen.get(base) ?? 0) + 1;
        seen.set(base, n);
        flatten(v, `${path}/${n > 1 ? `${base}#${n}` : base}`, out, mask);
      });
      return;
    }
    out.set(path, JSON.stringify(value));
    return;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    for (const [k, v] of entries) {
      if (mask && MASKED.has(k)) out.set(`${path}/${k}`, '<masked>');
      else flatten(v, `${path}/${k}`, out, mask);
    }
    return;
  }
  out.set(path, JSON.stringify(value));
}

/**
 * Flat path -> value of a comparable state (deployment ids shortened to their first 4 characters).
 * `mask` hides generated ids and certificates, to compare states of two different simulators.
 */
export function flat(state: SimulatorSnapshot, mask = false): Map<string, string> {
  const out = new Map<string, string>();
  flatten(state, '', out, mask);
  return new Map([...out].map(([k, v]) => [k.replace(/\/([a-f0-9]{4})[a-f0-9]{28}\//g, '/$1…/'), v]));
}

export function diff(before: SimulatorSnapshot, after: SimulatorSnapshot, mask = false): Change[] {
  const a = flat(before, mask);
  const b = flat(after, mask);
  const changes: Change[] = [];
  for (const [path, v] of b) {
    if (!a.has(path)) changes.push({ path, kind: 'added' });
    else if (a.get(path) !== v) changes.push({ path, kind: 'changed' });
  }
  for (const path of a.keys()) if (!b.has(path)) changes.push({ path, kind: 'removed' });
  return changes.sort((x, y) => x.path.localeCompare(y.path));
}

export const describe = (c: Change) => `${c.kind === 'added' ? '+' : c.kind === 'removed' ? '-' : '~'}${c.path}`;

/** What existed before the run and was removed or changed: never allowed, whatever the outcome. */
export function touchedPreExisting(changes: Change[]): Change[] {
  return changes.filter((c) => c.kind !== 'added');
}

/** The simulator's collections, as the kind of resource a run reports for an object in them. */
const KIND_OF_COLLECTION: readonly [RegExp, ResourceKind][] = [
  [/\/trustRelationships\//, 'trust-relationship'],
  [/\/trust\/external\//, 'deployment-trust'],
  [/\/trust\/direct\//, 'proxy-ca-trust'],
  [/\/keystore\//, 'keystore-secret'],
  [/\/persistentSettings\/cluster\.remote\./, 'remote-cluster-settings'],
  [/\/apiKeys\//, 'api-key'],
  [/\/roles\//, 'role'],
];

/**
 * Whether the object at `path` (as objects() names it) is one a run reported: a resource of the
 * object's kind in the object's environment (and deployment, for a deployment's objects).
 */
export function reportedAs(path: string, resource: CreatedResource): boolean {
  const kind = KIND_OF_COLLECTION.find(([re]) => re.test(path))?.[1];
  const [, environment, deployment] = /^[+~-]?\/([^/]+)(?:\/deployments\/([^/…]+)…?)?/.exec(path) ?? [];
  return (
    kind === resource.kind &&
    environment === resource.environment &&
    (deployment === undefined || (resource.deploymentId ?? '').startsWith(deployment))
  );
}

/** Objects (not their fields): `…/keystore/cluster.remote.logs-b.credentials/as_file` -> its parent object. */
export function objects(changes: Change[]): string[] {
  const names = changes.map((c) => {
    const m =
      /^(.*\/(?:trustRelationships|apiKeys|roles|keystore|direct|external)\/[^/]+)/.exec(c.path) ??
      /^(.*\/persistentSettings\/cluster\.remote\.[^.]+)/.exec(c.path);
    return `${c.kind === 'removed' ? '-' : c.kind === 'changed' ? '~' : '+'}${m ? m[1] : c.path}`;
  });
  return [...new Set(names)];
}

import { type StepInput } from '../../domain/activities';
import { type CreatedResource, type StepRecord, type UndoReport } from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { getPersistentSettings, putPersistentSettings } from '../elasticsearch/cluster';
import { proxyPort, remoteSettingKeys } from '../marks';
import { esFor, resourceOn } from './shared';
import { type StepDescribers, esRequest } from '../changes';

/** The proxy-mode settings this connection registers (flat keys). */
export function remoteSettings(input: StepInput): Record<string, unknown> {
  const { alias, skipUnavailable } = input.request;
  const endpoint = input.preflight.remote.endpoint;
  const [mode, address, server, skip] = remoteSettingKeys(alias) as [string, string, string, string];
  return {
    [mode]: 'proxy',
    [address]: `${endpoint}:${proxyPort(input.preflight.model)}`,
    [server]: endpoint,
    [skip]: skipUnavailable,
  };
}

function resource(input: StepInput): CreatedResource {
  const local = input.preflight.local;
  return resourceOn(local, {
    step: 'register-remote',
    kind: 'remote-cluster-settings',
    id: `cluster.remote.${input.request.alias}`,
    description: `persistent cluster.remote.${input.request.alias}.{mode,proxy_address,server_name,skip_unavailable} on ${local.deploymentId}`,
  });
}

/** `cluster.remote.<alias>` in proxy mode on the local cluster (a PUT with the same values is a no-op). */
export async function registerRemoteCluster(deps: Deps, ctx: StepContext, input: StepInput): Promise<StepRecord> {
  const settings = remoteSettings(input);
  await putPersistentSettings(esFor(deps, input.preflight.local), settings, ctx.signal);
  const address = settings[remoteSettingKeys(input.request.alias)[1]!];
  const before = input.preflight.localAliasBefore?.settings ?? [];
  return {
    attempt: ctx.attempt,
    created: before.length ? [] : [resource(input)],
    detail: `registered ${input.request.alias} -> ${String(address)}`,
  };
}

/** Null exactly the keys register-remote writes, except those preflight found already there. */
export async function unregisterRemoteCluster(deps: Deps, ctx: StepContext, input: StepInput): Promise<UndoReport> {
  const es = esFor(deps, input.preflight.local);
  const before = new Set(input.preflight.localAliasBefore?.settings ?? []);
  const current = await getPersistentSettings(es, ctx.signal);
  const toNull = remoteSettingKeys(input.request.alias).filter((k) => !before.has(k) && current[k] != null);
  if (toNull.length > 0) {
    await putPersistentSettings(es, Object.fromEntries(toNull.map((k) => [k, null])), ctx.signal);
  }
  return {
    attempt: ctx.attempt,
    removed: toNull.length ? [resource(input)] : [],
    detail: toNull.length
      ? `nulled ${toNull.join(', ')}`
      : `cluster.remote.${input.request.alias} holds nothing of this run`,
  };
}

export const activities = { registerRemoteCluster, unregisterRemoteCluster } satisfies StepImplementations;

/** The settings register-remote writes, before -> after, read now. */
async function describeRegister(deps: Deps, ctx: StepContext, input: StepInput) {
  const local = input.preflight.local;
  const settings = remoteSettings(input);
  const current = await getPersistentSettings(esFor(deps, local), ctx.signal);
  return {
    summary: `cluster.remote.${input.request.alias} in proxy mode to ${String(settings[remoteSettingKeys(input.request.alias)[1]!])} on ${local.deploymentId}`,
    requests: [esRequest(local, 'PUT', '/_cluster/settings', { persistent: settings })],
    changes: Object.entries(settings)
      .filter(([k, v]) => String(current[k] ?? '') !== String(v))
      .map(([k, v]) => ({ what: k, before: current[k] ?? null, after: v })),
  };
}

/** The settings the undo would null now (a disconnect's gate shows them: the link goes down). */
async function describeUnregister(deps: Deps, ctx: StepContext, input: StepInput) {
  const local = input.preflight.local;
  const before = new Set(input.preflight.localAliasBefore?.settings ?? []);
  const current = await getPersistentSettings(esFor(deps, local), ctx.signal);
  const toNull = remoteSettingKeys(input.request.alias).filter((k) => !before.has(k) && current[k] != null);
  return {
    summary: toNull.length
      ? `cluster.remote.${input.request.alias} removed from ${local.deploymentId}: the remote cluster is no longer reachable under this alias`
      : `cluster.remote.${input.request.alias}: nothing to remove`,
    requests: toNull.length
      ? [
          esRequest(local, 'PUT', '/_cluster/settings', {
            persistent: Object.fromEntries(toNull.map((k) => [k, null])),
          }),
        ]
      : [],
    changes: toNull.map((k) => ({ what: k, before: current[k], after: null })),
  };
}

export const changes = {
  registerRemoteCluster: describeRegister,
  unregisterRemoteCluster: describeUnregister,
} satisfies StepDescribers;

/**
 * A migration's reconnect of the same alias (Elastic's guide, "Reconnect to the remote cluster"):
 * `cluster.remote.<alias>` moves from the certificate port to the remote cluster server port in
 * one settings update (proxy mode, `server_name` the remote endpoint), so the alias, and with it
 * every follower's leader reference, stays. The certificate settings as the inspection read them
 * are what the undo writes back: a working connection's settings are never nulled.
 */
import { type StepInput } from '../../domain/activities';
import { type CreatedResource, type SettingsSwitchRecord, type UndoReport } from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { getPersistentSettings, putPersistentSettings } from '../elasticsearch/cluster';
import { remoteSettingKeys } from '../marks';
import { remoteSettings } from './register-remote';
import { esFor, resourceOn } from './shared';

/** The certificate settings the switch replaces (the inspection's read), by key. */
function certificateSettings(input: StepInput): Record<string, unknown> {
  return input.preflight.migration?.settings ?? {};
}

function resource(input: StepInput, description: string): CreatedResource {
  return resourceOn(input.preflight.local, {
    step: 'register-remote',
    kind: 'remote-cluster-settings',
    id: `cluster.remote.${input.request.alias}`,
    description,
  });
}

const address = (settings: Record<string, unknown>, alias: string) =>
  String(settings[`cluster.remote.${alias}.proxy_address`] ?? '?');

/** The same keys with the API key model's values (a PUT with the same values is a no-op). */
export async function switchRemoteCluster(
  deps: Deps,
  ctx: StepContext,
  input: StepInput,
): Promise<SettingsSwitchRecord> {
  const alias = input.request.alias;
  const from = certificateSettings(input);
  const to = remoteSettings(input);
  await putPersistentSettings(esFor(deps, input.preflight.local), to, ctx.signal);
  return {
    attempt: ctx.attempt,
    created: [
      resource(input, `cluster.remote.${alias} switched from ${address(from, alias)} to ${address(to, alias)}`),
    ],
    detail: `switched ${alias} from ${address(from, alias)} to ${address(to, alias)}`,
    from,
    to,
  };
}

/** Undo: the switched keys back to the certificate settings (a key the certificate connection did not set is nulled). */
export async function restoreRemoteCluster(deps: Deps, ctx: StepContext, input: StepInput): Promise<UndoReport> {
  const alias = input.request.alias;
  const from = certificateSettings(input);
  const es = esFor(deps, input.preflight.local);
  const current = await getPersistentSettings(es, ctx.signal);
  const back = Object.fromEntries(remoteSettingKeys(alias).map((k) => [k, from[k] ?? null]));
  // Only what the switch changed (Elasticsearch renders settings as strings: compared as such).
  const differs = Object.entries(back).filter(([k, v]) => String(current[k] ?? null) !== String(v ?? null));
  if (differs.length > 0) await putPersistentSettings(es, Object.fromEntries(differs), ctx.signal);
  return {
    attempt: ctx.attempt,
    removed: differs.length
      ? [resource(input, `cluster.remote.${alias} back to ${address(from, alias)} (the certificate settings)`)]
      : [],
    detail: differs.length
      ? `cluster.remote.${alias} back to ${address(from, alias)}`
      : `cluster.remote.${alias} already holds the certificate settings`,
  };
}

export const activities = { switchRemoteCluster, restoreRemoteCluster } satisfies StepImplementations;

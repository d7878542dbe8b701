/** Sets up remote-cluster ingredients through the simulator's HTTP APIs, the way crosslink does. */
import { type Clients, planSettled } from './fixtures';

export interface Side {
  env: string;
  id: string;
}

export async function esResource(c: Clients, side: Side) {
  const res = await c.ece(side.env, 'GET', `/deployments/${side.id}?show_settings=true`);
  return res.body.resources.elasticsearch[0];
}

/** Read-modify-write of the whole `trust` object, then wait for the plan. Returns the plan's last step. */
export async function updateTrust(c: Clients, side: Side, change: (trust: any) => void) {
  const res = await c.ece(side.env, 'GET', `/deployments/${side.id}?show_settings=true&show_plans=true`);
  const es = res.body.resources.elasticsearch[0];
  const { metadata: _m, ...settings } = es.info.settings;
  change(settings.trust);
  const put = await c.ece(
    side.env,
    'PUT',
    `/deployments/${side.id}?version=${res.headers['x-cloud-resource-version']}`,
    {
      prune_orphans: false,
      resources: {
        elasticsearch: [{ ref_id: es.ref_id, region: es.region, plan: es.info.plan_info.current.plan, settings }],
      },
    },
  );
  if (put.status !== 200) throw new Error(`update failed: ${JSON.stringify(put.body)}`);
  return planSettled(c, side.env, side.id);
}

export async function createCrossClusterKey(c: Clients, remote: Side, name = 'crosslink-test', extra: object = {}) {
  const res = await c.es(remote.env, remote.id, 'POST', '/_security/cross_cluster/api_key', {
    name,
    access: { search: [{ names: ['logs-*'] }] },
    metadata: { owner: 'crosslink' },
    ...extra,
  });
  if (res.status !== 200) throw new Error(`create key failed: ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string; api_key: string; encoded: string };
}

export async function proxyRoot(c: Clients, env: string): Promise<string> {
  const res = await c.ece(env, 'GET', '/platform/configuration/security/tls/proxy');
  return res.body.chain.at(-1);
}

export async function trustProxyCa(c: Clients, local: Side, remoteEnv: string) {
  const pem = await proxyRoot(c, remoteEnv);
  return updateTrust(c, local, (trust) => {
    trust.direct = [
      ...(trust.direct ?? []),
      { name: `${remoteEnv} proxy`, type: 'proxy', trust_all: false, certificates: [{ pem }] },
    ];
  });
}

export async function putKeystoreCredential(c: Clients, local: Side, alias: string, encoded: string) {
  const res = await c.ece(local.env, 'PATCH', `/deployments/${local.id}/elasticsearch/_main/keystore`, {
    secrets: { [`cluster.remote.${alias}.credentials`]: { value: encoded, as_file: false } },
  });
  if (res.status !== 200) throw new Error(`keystore failed: ${JSON.stringify(res.body)}`);
}

export async function registerRemote(
  c: Clients,
  local: Side,
  alias: string,
  remote: Side,
  opts: { port?: number; serverName?: string; mode?: 'proxy' | 'sniff' } = {},
) {
  const endpoint = (await esResource(c, remote)).info.metadata.endpoint as string;
  const settings =
    opts.mode === 'sniff'
      ? { mode: 'sniff', seeds: [`${endpoint}:9300`] }
      : { mode: 'proxy', proxy_address: `${endpoint}:${opts.port ?? 9443}`, server_name: opts.serverName ?? endpoint };
  const res = await c.es(local.env, local.id, 'PUT', '/_cluster/settings', {
    persistent: { cluster: { remote: { [alias]: { ...settings, skip_unavailable: true } } } },
  });
  if (res.status !== 200) throw new Error(`register failed: ${JSON.stringify(res.body)}`);
}

export async function aliasState(c: Clients, local: Side, alias: string) {
  const info = await c.es(local.env, local.id, 'GET', '/_remote/info');
  const resolved = await c.es(local.env, local.id, 'GET', `/_resolve/cluster/${alias}:*`);
  return { info: info.body[alias], resolved: resolved.body[alias] };
}

/** Platform trust in `env` for `otherEnv` (its local record copied), as crosslink's platform-trust step does. */
export async function platformTrust(c: Clients, env: string, otherEnv: string): Promise<string> {
  const other = await c.ece(
    otherEnv,
    'GET',
    '/platform/configuration/trust-relationships?filter=local&include_certificate=true',
  );
  const record = other.body.trust_relationships[0];
  const res = await c.ece(env, 'POST', '/platform/configuration/trust-relationships', {
    name: otherEnv,
    public_ca_cert: record.public_ca_cert,
    account_ids: record.account_ids,
    installation_id: record.installation_id,
  });
  return res.body.id;
}

export async function trustExternal(c: Clients, side: Side, relationshipId: string, otherClusterId: string) {
  return updateTrust(c, side, (trust) => {
    trust.external = [
      ...(trust.external ?? []),
      { trust_relationship_id: relationshipId, trust_all: false, trust_allowlist: [otherClusterId] },
    ];
  });
}

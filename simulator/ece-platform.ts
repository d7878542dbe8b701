/** ECE platform routes: platform info, TLS chains and trust relationships. */
import { UNCONFIRMED } from './unconfirmed';
import { eceError, ok, trustRelationshipNotFound } from './ece-errors';
import { parseBody } from './ece-body';
import { TrustRelationshipCreateRequest, TrustRelationshipUpdateRequest } from './ece-schemas';
import { hexId } from './ids';
import { type Reply, type SimRequest } from './server';
import { type Environment, type TrustRelationship, nowIso } from './state';

export function getPlatform(env: Environment): Reply {
  const zone = `${env.region}-zone-1`;
  return ok({
    version: env.eceVersion,
    services: [],
    phone_home_enabled: false,
    eula_accepted: true,
    unreachable_regions: [],
    regions: [
      {
        region_id: env.region,
        zookeeper_states: { states: [{ id: '1', state: 'connected' }] },
        allocators: {
          healthy: true,
          zone_summaries: [
            {
              zone_id: zone,
              total_allocators: 1,
              healthy_allocators: 1,
              connected_allocators: 1,
              disconnected_allocators: 0,
              in_maintenance_allocators: 0,
              connected_capacity: 65536,
              max_available_capacity: 65536 - 4096 * env.deployments.size,
              instances: env.deployments.size,
            },
          ],
        },
        runners: {
          healthy: true,
          total_runners: 1,
          healthy_runners: 1,
          connected_runners: 1,
          connected_capacity: 65536,
          max_available_capacity: 65536 - 4096 * env.deployments.size,
          containers_count: env.deployments.size,
        },
        proxies: {
          healthy: true,
          expected_proxies_count: 1,
          proxies_count: 1,
          proxies: [{ proxy_id: 'proxy-1', healthy: true }],
        },
        container_sets_status: {
          healthy: true,
          healthy_container_sets_count: 1,
          unhealthy_container_sets_count: 0,
          unhealthy_container_sets: [],
        },
        constructors: {
          constructors: [{ constructor_id: 'constructor-1', status: { connected: true, maintenance_mode: false } }],
        },
        coordinators: {
          coordinators: [
            {
              name: 'coordinator-1',
              public_hostname: '127.0.0.1',
              leader_port: 2888,
              election_port: 3888,
              client_port: 2191,
              attributes: {},
            },
          ],
        },
        resources: {
          healthy: true,
          available_count: 10,
          used_count: env.deployments.size,
          missing_count: 0,
          minimum_available_count: 0,
          account_count: 1,
        },
      },
    ],
  });
}

export function getTlsCertificate(env: Environment, req: SimRequest): Reply {
  const service = req.params.service_name;
  const chains: Record<string, string[]> = {
    proxy: env.proxyChain,
    adminconsole: [env.ca.certPem],
    ui: [env.ca.certPem],
    internalca: [env.ca.certPem],
  };
  const chain = service ? chains[service] : undefined;
  if (!chain) {
    return eceError(UNCONFIRMED.unknownRoute.status, UNCONFIRMED.unknownRoute.code, `Unknown TLS service [${service}]`);
  }
  const expiration = new Date(Date.now() + 365 * 86_400_000).toISOString();
  return ok({
    chain,
    user_supplied: service === 'proxy' && env.proxyCa === 'public',
    api_managed: true,
    chain_status: { expiration_date: expiration, first_certificate_to_expire: 'leaf' },
  });
}

function relationshipView(t: TrustRelationship, includeCertificate: boolean) {
  return {
    id: t.id,
    name: t.name,
    trust_by_default: t.trust_by_default,
    account_ids: [...t.account_ids],
    local: t.local,
    ...(t.installation_id !== undefined ? { installation_id: t.installation_id } : {}),
    last_modified: t.lastModified,
    ...(includeCertificate ? { public_ca_cert: t.public_ca_cert } : {}),
  };
}

function writeView(t: TrustRelationship) {
  const {
    public_ca_cert: _pem,
    last_modified: _lm,
    ...rest
  } = relationshipView(t, false) as ReturnType<typeof relationshipView> & { public_ca_cert?: string };
  return rest;
}

function headers(t: TrustRelationship): Record<string, string> {
  return {
    'x-cloud-resource-version': String(t.version),
    'x-cloud-resource-created': t.created,
    'x-cloud-resource-last-modified': t.lastModified,
  };
}

const includeCert = (req: SimRequest) => req.query.get('include_certificate') === 'true';

export function listTrustRelationships(env: Environment, req: SimRequest): Reply {
  const filter = req.query.get('filter') ?? 'all';
  if (!['all', 'local', 'non-local'].includes(filter)) {
    return eceError(400, UNCONFIRMED.invalidBody.code, `filter must be one of all, local, non-local`, ['filter']);
  }
  const list = env.trustRelationships.filter((t) => filter === 'all' || (filter === 'local') === t.local);
  return ok({ trust_relationships: list.map((t) => relationshipView(t, includeCert(req))) });
}

export function getTrustRelationship(env: Environment, req: SimRequest): Reply {
  const t = env.trustRelationships.find((x) => x.id === req.params.trust_relationship_id);
  if (!t) return trustRelationshipNotFound(String(req.params.trust_relationship_id));
  return ok(relationshipView(t, includeCert(req)), headers(t));
}

export function createTrustRelationship(env: Environment, req: SimRequest): Reply {
  const parsed = parseBody(TrustRelationshipCreateRequest, req.body);
  if ('reply' in parsed) return parsed.reply;
  const b = parsed.data;
  const now = nowIso();
  const t: TrustRelationship = {
    id: hexId(),
    name: b.name,
    local: false,
    account_ids: b.account_ids ?? [],
    installation_id: b.installation_id,
    trust_by_default: b.trust_by_default ?? false,
    public_ca_cert: b.public_ca_cert,
    version: 1,
    created: now,
    lastModified: now,
  };
  env.trustRelationships.push(t);
  return { status: 201, body: writeView(t), headers: headers(t) };
}

export function updateTrustRelationship(env: Environment, req: SimRequest): Reply {
  const t = env.trustRelationships.find((x) => x.id === req.params.trust_relationship_id);
  if (!t) return trustRelationshipNotFound(String(req.params.trust_relationship_id));
  const parsed = parseBody(TrustRelationshipUpdateRequest, req.body ?? {});
  if ('reply' in parsed) return parsed.reply;
  const b = parsed.data;
  if (b.name !== undefined) t.name = b.name;
  if (b.public_ca_cert !== undefined) t.public_ca_cert = b.public_ca_cert;
  if (b.trust_by_default !== undefined) t.trust_by_default = b.trust_by_default;
  if (b.account_ids !== undefined) t.account_ids = b.account_ids;
  if (b.installation_id !== undefined) t.installation_id = b.installation_id;
  t.version += 1;
  t.lastModified = nowIso();
  return ok(writeView(t), headers(t));
}

export function deleteTrustRelationship(env: Environment, req: SimRequest): Reply {
  const t = env.trustRelationships.find((x) => x.id === req.params.trust_relationship_id);
  if (!t) return trustRelationshipNotFound(String(req.params.trust_relationship_id));
  const version = req.query.get('version');
  if (version !== null && version !== String(t.version)) {
    const c = UNCONFIRMED.trustRelationshipVersionConflict;
    return eceError(c.status, c.code, `Trust relationship [${t.id}] is at version [${t.version}], not [${version}]`, [
      'version',
    ]);
  }
  if (t.local) {
    return eceError(400, 'trust_relationships.local_not_deletable', 'The local trust relationship cannot be deleted');
  }
  env.trustRelationships = env.trustRelationships.filter((x) => x !== t);
  return ok({});
}

import { ApplicationFailure } from '@temporalio/common';
import { type ConnectionRequest } from '../../domain/connection-request';
import { FailureType } from '../../domain/failures';
import { type DeploymentFacts, type PreflightResult, type ProxyCaFacts } from '../../domain/records';
import { type Deps, type StepContext } from '../context';
import { getKeystoreNames } from '../ece/keystore';
import { certificateFacts, getProxyChain } from '../ece/platform';
import { getApiKeysByName, isActive } from '../elasticsearch/api-keys';
import { getPersistentSettings } from '../elasticsearch/cluster';
import { type EsClient } from '../elasticsearch/client';
import { getRole } from '../elasticsearch/roles';
import { apiKeyCarriesMark, apiKeyName, credentialsSetting, proxyPort, roleCarriesMark } from '../marks';
import { decideSteps } from './decisions';
import { API_KEY_BETA, API_KEY_GA, atLeast } from './versions';

import { readDeployment, readEnvironment } from './preflight-reads';
import { connectionApprovals } from '../approvals/policy';

type Side = 'local' | 'remote';

/**
 * Read both deployments and environments, decide which steps apply and why, and refuse early
 * (PreflightRefused, every reason at once) when the connection cannot or must not be made.
 */
export async function preflight(
  deps: Deps,
  ctx: StepContext,
  input: { connectionId: string; request: ConnectionRequest },
): Promise<PreflightResult> {
  const { connectionId, request } = input;
  // First, so a gate nobody may decide is refused before anything is read.
  const approvals = connectionApprovals(deps.approvals, request, request.approval.gates);
  const model = request.securityModel;
  const refusals: string[] = [];
  const eceLocal = deps.registry.ece(request.local.environment);
  const eceRemote = deps.registry.ece(request.remote.environment);

  const roleSides: Side[] = model === 'api_key' ? ['local'] : ['local', 'remote'];
  const esOf = (d: DeploymentFacts) => deps.registry.elasticsearch(d.environment, d.deploymentId, d.esUrl);
  const readRoles = (side: Side, es: EsClient) =>
    roleSides.includes(side)
      ? Promise.all(request.roles.map(async (role) => ({ role, existing: await getRole(es, role.name, ctx.signal) })))
      : Promise.resolve([]);
  // Every read that does not need another one's answer starts at once; the Elasticsearch and
  // keystore reads of a side start as soon as that side's deployment (its URL and ref id) is known.
  const localSide = readDeployment(deps, ctx, eceLocal, request, 'local').then(async (dep) => {
    const es = esOf(dep.facts);
    const [settings, keystore, roles] = await Promise.all([
      getPersistentSettings(es, ctx.signal),
      getKeystoreNames(eceLocal, dep.facts.deploymentId, dep.facts.refId, ctx.signal),
      readRoles('local', es),
    ]);
    return { dep, es, settings, keystore, roles };
  });
  const remoteSide = readDeployment(deps, ctx, eceRemote, request, 'remote').then(async (dep) => {
    const es = esOf(dep.facts);
    const [ownKeys, roles] = await Promise.all([
      model === 'api_key'
        ? getApiKeysByName(es, apiKeyName(request.alias, connectionId), ctx.signal)
        : Promise.resolve([]),
      readRoles('remote', es),
    ]);
    return { dep, es, ownKeys, roles };
  });
  const [localRead, remoteRead, localEnv, remoteEnv, proxyChain] = await Promise.all([
    localSide,
    remoteSide,
    readEnvironment(ctx, eceLocal),
    readEnvironment(ctx, eceRemote),
    model === 'api_key' ? getProxyChain(eceRemote, ctx.signal) : Promise.resolve(undefined),
  ]);
  const { dep: localDep, settings, keystore } = localRead;
  const { dep: remoteDep, ownKeys } = remoteRead;
  ctx.heartbeat({ step: 'preflight', read: 'ece' });

  for (const [side, d] of [
    ['local', localDep],
    ['remote', remoteDep],
  ] as const) {
    if (!d.facts.healthy) {
      refusals.push(
        `the ${side} deployment ${d.facts.deploymentId} (${d.facts.environment}) is not healthy: repair it in ECE first`,
      );
    }
    if (d.pendingPlan) {
      refusals.push(
        `the ${side} deployment ${d.facts.deploymentId} (${d.facts.environment}) has a pending plan: wait until it finishes`,
      );
    }
  }

  // Versions decide whether the model is allowed and whether the keystore reloads by itself.
  const lv = localDep.facts.version;
  const rv = remoteDep.facts.version;
  let restartExpected = false;
  let versionNote = `local ${lv}, remote ${rv}`;
  if (model === 'api_key') {
    const ga = atLeast(lv, API_KEY_GA) && atLeast(rv, API_KEY_GA);
    const beta = atLeast(lv, API_KEY_BETA) && atLeast(rv, API_KEY_BETA);
    if (!ga && !beta) {
      refusals.push(
        `the api_key model needs Elasticsearch 8.14 or later on both sides (local ${lv}, remote ${rv}): upgrade, or use the certificate model`,
      );
    } else if (!ga && !request.allowBetaApiKeyModel) {
      refusals.push(
        `the api_key model needs Elasticsearch 8.14 or later on both sides (local ${lv}, remote ${rv}); on 8.10-8.13 it was beta: upgrade, or set allowBetaApiKeyModel to accept the beta (the local keystore then needs a reload or restart)`,
      );
    } else if (!ga) {
      restartExpected = !atLeast(lv, API_KEY_GA);
      versionNote += ' (api_key model in beta, allowed by allowBetaApiKeyModel)';
    }
    if (deps.registry.esCredentialKind(request.remote.environment, request.remote.deploymentId) === 'apiKey') {
      refusals.push(
        `creating a cross-cluster API key needs a user, but the Elasticsearch credentials for the remote deployment ${request.remote.deploymentId} are an API key: configure username/password for it in environments.${request.remote.environment}.elasticsearch`,
      );
    }
  } else if (atLeast(lv, '9.0.0') || atLeast(rv, '9.0.0')) {
    versionNote += ' (the certificate model is deprecated from 9.0; prefer api_key)';
  }
  // Role fields the local cluster would reject (ece-api.md §8A): refuse now rather than roll back later.
  for (const role of request.roles) {
    if (role.local.remote_indices?.length && !atLeast(lv, '8.14.0')) {
      refusals.push(
        `role "${role.name}" uses remote_indices, which Elasticsearch accepts from 8.14 (local is ${lv}): drop it or upgrade`,
      );
    }
    if (role.local.remote_cluster?.length && !atLeast(lv, '8.15.0')) {
      refusals.push(
        `role "${role.name}" uses remote_cluster, which Elasticsearch accepts from 8.15 (local is ${lv}): drop it or upgrade`,
      );
    }
  }

  // The alias on the local deployment: settings and keystore must be absent, or this connection's own.
  const prefix = `cluster.remote.${request.alias}.`;
  const aliasSettings = Object.keys(settings).filter((k) => k.startsWith(prefix) && settings[k] != null);
  const expectedAddress = `${remoteDep.facts.endpoint}:${proxyPort(model)}`;
  if (aliasSettings.length > 0) {
    const ours =
      settings[`${prefix}mode`] === 'proxy' &&
      settings[`${prefix}proxy_address`] === expectedAddress &&
      settings[`${prefix}server_name`] === remoteDep.facts.endpoint;
    if (!ours) {
      const shown = settings[`${prefix}proxy_address`] ?? settings[`${prefix}seeds`] ?? settings[`${prefix}mode`];
      refusals.push(
        `the alias "${request.alias}" is already used on the local deployment (${aliasSettings.join(', ')}${shown ? ` = ${String(shown)}` : ''}) by something crosslink did not create: choose another alias`,
      );
    }
  }
  const keystoreHas = keystore.includes(credentialsSetting(request.alias));
  if (keystoreHas) {
    const ours = model === 'api_key' && ownKeys.some((k) => isActive(k) && apiKeyCarriesMark(k.metadata, connectionId));
    if (!ours) {
      refusals.push(
        `the alias "${request.alias}" is already used on the local deployment: its keystore holds ${credentialsSetting(request.alias)}, which crosslink did not create: choose another alias`,
      );
    }
  }

  // Roles: the names to create must be absent, or carry this connection's mark.
  const rolesBefore: Record<Side, string[]> = { local: [], remote: [] };
  for (const [side, roles] of [
    ['local', localRead.roles],
    ['remote', remoteRead.roles],
  ] as const) {
    for (const { role, existing } of roles) {
      if (!existing) continue;
      if (roleCarriesMark(existing.metadata, connectionId)) rolesBefore[side].push(role.name);
      else {
        refusals.push(
          `the role "${role.name}" already exists on the ${side} deployment and was not created by this connection: rename the role in the request`,
        );
      }
    }
  }

  if (refusals.length > 0) {
    throw ApplicationFailure.create({
      message: `preflight refused: ${refusals.join('; ')}`,
      type: FailureType.PreflightRefused,
      nonRetryable: true,
    });
  }

  let proxyCa: ProxyCaFacts | undefined;
  if (proxyChain) {
    const root = proxyChain[proxyChain.length - 1];
    if (!root) {
      throw ApplicationFailure.create({
        message: `ECE ${request.remote.environment}: the proxy certificate chain is empty: configure the proxy TLS certificate`,
        type: FailureType.PreflightRefused,
        nonRetryable: true,
      });
    }
    const c = certificateFacts(root);
    proxyCa = { rootPem: c.pem, fingerprintSha256: c.fingerprintSha256, subject: c.subject, private: c.private };
  }

  const local: DeploymentFacts = { ...localDep.facts, rolesBefore: rolesBefore.local };
  const remote: DeploymentFacts = { ...remoteDep.facts, rolesBefore: rolesBefore.remote };
  return {
    connectionId,
    model,
    local,
    remote,
    localEnvironment: localEnv,
    remoteEnvironment: remoteEnv,
    proxyCa,
    localAliasBefore:
      aliasSettings.length > 0 || keystoreHas
        ? { settings: aliasSettings, keystoreCredentials: keystoreHas }
        : undefined,
    restartExpected,
    steps: decideSteps(request, { local, remote, proxyCa, restartExpected, versionNote, expectedAddress }),
    approvals,
    attempt: ctx.attempt,
  };
}

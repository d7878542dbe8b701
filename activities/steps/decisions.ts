import { type ConnectionRequest } from '../../domain/connection-request';
import { type DeploymentFacts, type ProxyCaFacts, type StepDecision } from '../../domain/records';
import { STEP_IDS, type StepId } from '../../domain/step-ids';
import { directHoldsPem } from '../ece/deployments';
import { proxyCaEntryName } from '../marks';

/** Which steps apply to this connection, and why (preflight's answer, shown in progress). */
export function decideSteps(
  request: ConnectionRequest,
  f: {
    local: DeploymentFacts;
    remote: DeploymentFacts;
    proxyCa?: ProxyCaFacts;
    restartExpected: boolean;
    versionNote: string;
    expectedAddress: string;
    /** Extra lines for preflight's reason (pending plans that writes will wait for). */
    notes?: string[];
  },
  connectionId: string,
): StepDecision[] {
  const apiKey = request.securityModel === 'api_key';
  const certOnly = 'the API key model needs no platform or deployment trust';
  const keyOnly = 'the certificate model uses no API key';
  const reasons: Record<StepId, [boolean, string]> = {
    preflight: [true, [`versions ${f.versionNote}`, ...(f.notes ?? [])].join('; ')],
    'platform-trust': apiKey ? [false, certOnly] : [true, 'each environment must trust the other (both directions)'],
    'deployment-trust': apiKey
      ? [false, certOnly]
      : [true, `each deployment allowlists the other's cluster id (${f.local.clusterId} <-> ${f.remote.clusterId})`],
    'api-key': apiKey
      ? [true, `cross-cluster API key on the remote deployment ${f.remote.deploymentId}`]
      : [false, keyOnly],
    'proxy-ca': proxyCaDecision(request, f.local, f.proxyCa, connectionId),
    keystore: apiKey ? [true, `cluster.remote.${request.alias}.credentials in the local keystore`] : [false, keyOnly],
    'register-remote': [true, `cluster.remote.${request.alias} in proxy mode to ${f.expectedAddress}`],
    restart: !apiKey
      ? [false, 'the certificate model changes no keystore']
      : f.restartExpected
        ? [
            true,
            `local ${f.local.version} does not reload the keystore by itself: reload secure settings, restart if still not loaded`,
          ]
        : [
            true,
            `local ${f.local.version} reloads the keystore by itself: the step confirms the credentials are loaded`,
          ],
    verify: [
      true,
      apiKey
        ? '_remote/info connected with cluster_credentials, then _resolve/cluster'
        : '_remote/info connected, then _resolve/cluster',
    ],
    roles:
      request.roles.length > 0
        ? [
            true,
            `${request.roles.map((r) => r.name).join(', ')} ${apiKey ? 'on the local deployment' : 'on both deployments'}`,
          ]
        : [false, 'the request names no roles'],
  };
  return STEP_IDS.map((id) => ({ id, applies: reasons[id][0], reason: reasons[id][1] }));
}

function proxyCaDecision(
  request: ConnectionRequest,
  local: DeploymentFacts,
  ca: ProxyCaFacts | undefined,
  connectionId: string,
): [boolean, string] {
  if (request.securityModel !== 'api_key' || !ca) return [false, 'only the API key model uploads the remote proxy CA'];
  if (!ca.private) return [false, `the remote proxy root CA (${ca.subject}) is publicly trusted`];
  const existing = (local.trustBefore.direct ?? []).find((d) => directHoldsPem(d, ca.rootPem));
  if (existing)
    return [false, `the local deployment already trusts the remote proxy root CA (entry "${existing.name}")`];
  return [
    true,
    `the remote proxy root CA (${ca.subject}) is private: trust.direct "${proxyCaEntryName(request.remote.environment, connectionId)}"`,
  ];
}

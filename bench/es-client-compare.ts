/**
 * Measures crosslink's own Elasticsearch requests (activities/elasticsearch on undici) against the
 * official 8.x client for the same calls, on the simulator: `npx tsx bench/es-client-compare.ts [n]`.
 * Prints per-call mean latency and the time to first call (client construction + module load).
 */
import { performance } from 'node:perf_hooks';
import { startSimulator, DEFAULT_IDS } from '../simulator';
import { EsClient } from '../activities/elasticsearch/client';
import { getRemoteInfo, getPersistentSettings } from '../activities/elasticsearch/cluster';
import { closeAllPools } from '../activities/http/pool';

async function main() {
  const n = Number(process.argv[2] ?? 300);
  const sim = await startSimulator({ planDurationMs: 10 });
  const env = sim.config.environments['ece-a']!;
  const id = DEFAULT_IDS.a9;
  const password = sim.secrets['ece-a']![id]!.elasticPassword;
  const { Agent, request } = await import('undici');
  const agent = new Agent({ connect: { ca: env.caCert as string } });
  const dep = await request(`${env.coordinatorUrl}/api/v1/deployments/${id}`, {
    headers: { authorization: `ApiKey ${env.apiKey as string}` },
    dispatcher: agent,
  });
  const url = (
    (await dep.body.json()) as { resources: { elasticsearch: Array<{ info: { metadata: { service_url: string } } }> } }
  ).resources.elasticsearch[0]!.info.metadata.service_url;

  const own = new EsClient(
    'ece-a',
    id,
    url,
    { kind: 'basic', username: 'elastic', password },
    'password',
    'caCert',
    env.caCert as string,
  );
  let t = performance.now();
  for (let i = 0; i < n; i++) {
    await getRemoteInfo(own);
    await getPersistentSettings(own);
  }
  const ownMs = (performance.now() - t) / (2 * n);

  t = performance.now();
  const { Client } = await import('es8');
  const official = new Client({
    node: url,
    auth: { username: 'elastic', password },
    tls: { ca: env.caCert as string },
  });
  await official.cluster.remoteInfo();
  const firstCallMs = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < n; i++) {
    await official.cluster.remoteInfo();
    await official.cluster.getSettings({ flat_settings: true });
  }
  const officialMs = (performance.now() - t) / (2 * n);
  console.log(
    JSON.stringify({
      calls: 2 * n,
      ownMeanMs: +ownMs.toFixed(3),
      officialMeanMs: +officialMs.toFixed(3),
      officialLoadAndFirstCallMs: +firstCallMs.toFixed(1),
    }),
  );
  await official.close();
  await agent.close();
  await closeAllPools();
  await sim.close();
}

void main();

/**
 * A namespace without crosslink's search attributes: the worker refuses to start and names what is
 * missing, and a start through the gateway (CLI, intake) fails loudly instead of creating a run.
 * With a Temporal CLI the namespace is a dev server's started without `--search-attribute`; on the
 * server TEMPORAL_ADDRESS names, a throwaway namespace registered for the suite (temporal-server.ts).
 */
import { randomBytes } from 'node:crypto';
import { createTemporalGateway, SearchAttributesMissingError } from '../../client/connections';
import { resolveTemporalTarget } from '../../client/temporal-connection';
import { SEARCH_ATTRIBUTE_NAMES, connectionId } from '../../domain';
import { startSimulator } from '../../simulator';
import { type SimulatorHandle } from '../../simulator/api';
import { loadWorkerConfig } from '../../workers/config';
import { createLogger } from '../../common/logging';
import { startWorker } from '../../workers/worker';
import { apiKeyRequest } from './requests';
import { type TestServer, describeIfServer, startTestServer } from './temporal-server';

describeIfServer('a namespace that lacks the Crosslink* search attributes', () => {
  let server: TestServer;
  let simulator: SimulatorHandle;
  beforeAll(async () => {
    server = await startTestServer({ searchAttributes: false });
    simulator = await startSimulator({ planDurationMs: 60 });
  });
  afterAll(async () => {
    await simulator?.close();
    await server?.teardown();
  });

  it('the worker refuses to start and names every missing search attribute', async () => {
    const config = loadWorkerConfig({
      data: { ...simulator.config, sealingKey: randomBytes(32).toString('base64') },
      env: {},
    });
    const started = startWorker({
      config,
      target: resolveTemporalTarget({
        env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: server.namespace },
      }),
      taskQueue: 'no-search-attributes',
      workflowCode: 'source',
      logger: createLogger({ name: 'worker', level: 'silent', secrets: config.secrets }),
    });
    await expect(started).rejects.toBeInstanceOf(SearchAttributesMissingError);
    const message = await started.catch((err: Error) => err.message);
    for (const name of SEARCH_ATTRIBUTE_NAMES) expect(message).toContain(name);
    expect(message).toContain('temporal operator search-attribute create');
  });

  it('a start through the gateway fails loudly and creates no run', async () => {
    const request = apiKeyRequest('no-sa');
    const start = createTemporalGateway(server.client, { taskQueue: 'no-search-attributes' }).start({
      operation: 'connect',
      request,
    });
    await expect(start).rejects.toBeInstanceOf(SearchAttributesMissingError);
    await expect(start).rejects.toThrow(/CrosslinkState/);
    await expect(server.client.workflow.getHandle(connectionId(request)).describe()).rejects.toMatchObject({
      name: 'WorkflowNotFoundError',
    });
  });
});

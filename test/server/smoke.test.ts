/**
 * The suite's server works: it answers, and the Crosslink* search attributes are registered as
 * Keyword (the workflow upserts them and `crosslink list` filters on them).
 */
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../domain';
import { describeIfServer, startTestServer, type TestServer } from './temporal-server';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

describeIfServer('real Temporal server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.teardown();
  });

  it('registers every Crosslink search attribute as Keyword', async () => {
    const { customAttributes } = await server.env.connection.operatorService.listSearchAttributes({
      namespace: server.namespace,
    });
    const registered = Object.values(SEARCH_ATTRIBUTES).map((name) => [name, customAttributes?.[name]]);
    expect(registered).toEqual(Object.values(SEARCH_ATTRIBUTES).map((name) => [name, KEYWORD]));
  });
});

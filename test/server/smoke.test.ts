/**
 * The suite's server works: it answers, and the Crosslink* search attributes are registered as
 * Keyword (the workflow upserts them and `crosslink list` filters on them).
 */
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../domain';
import { describeIfServer, startTestServer, type TestServer } from './temporal-server';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
const KEYWORD_LIST = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST;

describeIfServer('real Temporal server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.teardown();
  });

  it("registers every Crosslink search attribute with its type (Keyword; the gate's approvers KeywordList)", async () => {
    const { customAttributes } = await server.env.connection.operatorService.listSearchAttributes({
      namespace: server.namespace,
    });
    const registered = SEARCH_ATTRIBUTE_DEFINITIONS.map((d) => [d.name, customAttributes?.[d.name]]);
    expect(registered).toEqual(
      SEARCH_ATTRIBUTE_DEFINITIONS.map((d) => [d.name, d.type === 'KEYWORD' ? KEYWORD : KEYWORD_LIST]),
    );
  });
});

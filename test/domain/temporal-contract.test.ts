/**
 * The Temporal contract (domain/temporal-contract.ts) matches what the code registers and starts:
 * the workflow type names are the workflow functions the bundle exports, every search attribute is
 * a Keyword key of the contract, and a start sets every one of them (so the server refuses a start
 * in a namespace that lacks any).
 */
import { initialSearchAttributes } from '../../client/start-or-find';
import {
  ConnectionRequest,
  SEARCH_ATTRIBUTES,
  SEARCH_ATTRIBUTE_KEYS,
  OPERATION_SEARCH_ATTRIBUTES,
  GATE_SEARCH_ATTRIBUTES,
  GATE_SEARCH_ATTRIBUTE_KEYS,
  SEARCH_ATTRIBUTE_DEFINITIONS,
  SEARCH_ATTRIBUTE_NAMES,
  WORKFLOW_TYPES,
} from '../../domain';
import * as workflows from '../../workflows';
import { DEFAULT_IDS } from '../../simulator/api';

describe('the Temporal contract', () => {
  test('every workflow type is a function the workflow bundle exports, and nothing else is exported', () => {
    expect(Object.keys(workflows).sort()).toEqual(Object.values(WORKFLOW_TYPES).sort());
    for (const name of Object.values(WORKFLOW_TYPES)) {
      expect(typeof (workflows as Record<string, unknown>)[name]).toBe('function');
    }
  });

  test("every search attribute key is the contract name, typed Keyword (the gate's approvers a KeywordList)", () => {
    expect(Object.keys(SEARCH_ATTRIBUTE_KEYS).sort()).toEqual(Object.keys(SEARCH_ATTRIBUTES).sort());
    for (const [field, key] of Object.entries(SEARCH_ATTRIBUTE_KEYS)) {
      expect({ name: key.name, type: key.type }).toEqual({
        name: SEARCH_ATTRIBUTES[field as keyof typeof SEARCH_ATTRIBUTES],
        type: 'KEYWORD',
      });
    }
    expect([...SEARCH_ATTRIBUTE_NAMES].sort()).toEqual(
      [
        ...Object.values(SEARCH_ATTRIBUTES),
        ...Object.values(OPERATION_SEARCH_ATTRIBUTES),
        ...Object.values(GATE_SEARCH_ATTRIBUTES),
      ].sort(),
    );
    expect(GATE_SEARCH_ATTRIBUTE_KEYS.gate).toEqual({ name: 'CrosslinkGate', type: 'KEYWORD' });
    expect(GATE_SEARCH_ATTRIBUTE_KEYS.approvers).toEqual({ name: 'CrosslinkApprovers', type: 'KEYWORD_LIST' });
    // SQL visibility allows 10 custom Keyword attributes a namespace (docs/sources.md §T1a).
    expect(SEARCH_ATTRIBUTE_DEFINITIONS.filter((d) => d.type === 'KEYWORD').length).toBeLessThanOrEqual(10);
  });

  test('a start sets every search attribute, with the values the workflow publishes first', () => {
    const request = ConnectionRequest.parse({
      local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 },
      remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b9 },
      alias: 'logs-b',
      securityModel: 'api_key',
      access: { search: [{ names: ['logs-*'] }] },
      approval: { approvers: ['ops'] },
      requestedBy: 'automation',
    });
    const pairs = initialSearchAttributes(request);
    expect(Object.fromEntries(pairs.map((p) => [p.key.name, p.value]))).toEqual({
      [SEARCH_ATTRIBUTES.state]: 'running',
      [SEARCH_ATTRIBUTES.step]: 'preflight',
      [SEARCH_ATTRIBUTES.localDeployment]: DEFAULT_IDS.a9,
      [SEARCH_ATTRIBUTES.remoteDeployment]: DEFAULT_IDS.b9,
      [SEARCH_ATTRIBUTES.alias]: 'logs-b',
      [OPERATION_SEARCH_ATTRIBUTES.operation]: 'connect',
    });
  });
});

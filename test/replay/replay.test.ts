/**
 * Replay-safe releases: every recorded history (test/replay/histories/<version>/) must replay on
 * the workflow code as it is now. A change that would make a still-open run take a different path
 * on the next worker (a step added, removed or reordered without `patched()`) fails here.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type WorkflowBundle } from '@temporalio/worker';
import { WORKFLOW_TYPES } from '../../domain';
import {
  closingEventType,
  decodedHistoryText,
  forbiddenFields,
  loadRecordedHistories,
  unlistedFiles,
  workflowTypeOf,
} from './histories';
import { bundleWorkflows, installQuietRuntime, replayAll } from './replay';
import { SCENARIOS } from './scenarios';

jest.setTimeout(120_000);

const recorded = loadRecordedHistories();
const currentVersion = (
  JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { version: string }
).version;

describe('recorded workflow histories', () => {
  it('cover every recording scenario for the current crosslink version, and nothing unlisted', () => {
    const current = recorded.filter((h) => h.version === currentVersion).map((h) => h.scenario);
    expect(current.sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
    expect(unlistedFiles()).toEqual([]);
  });

  it('cover every workflow type for the current crosslink version', () => {
    const types = new Set(recorded.filter((h) => h.version === currentVersion).map(workflowTypeOf));
    expect([...types].sort()).toEqual(Object.values(WORKFLOW_TYPES).sort());
  });

  it.each(recorded.map((h) => [`${h.version}/${h.scenario}`, h] as const))(
    '%s is whole: its workflow type, event count and closing event match the manifest',
    (_name, h) => {
      const started = h.history.events[0]?.workflowExecutionStartedEventAttributes as
        { workflowType?: { name?: string } } | undefined;
      // The replayer runs the workflow function the started event names.
      expect(started?.workflowType?.name).toBe(workflowTypeOf(h));
      expect(h.history.events).toHaveLength(h.events);
      expect(h.history.events.at(-1)?.eventType).toBe(closingEventType(h.closedAs));
    },
  );

  it.each(recorded.map((h) => [`${h.version}/${h.scenario}`, h] as const))(
    '%s holds no credential field and carries keys only sealed',
    (_name, h) => {
      const text = decodedHistoryText(h.history);
      expect(forbiddenFields(text)).toEqual([]);
      if (text.includes('sealedEncoded')) expect(text).toContain('A256GCM');
    },
  );
});

describe('replaying the recorded histories on the current workflow code', () => {
  let bundle: WorkflowBundle;

  beforeAll(async () => {
    installQuietRuntime();
    bundle = await bundleWorkflows(require.resolve('../../workflows'));
  });

  it('replays every history without a non-determinism error', async () => {
    const outcomes = await replayAll(bundle, recorded);

    expect(outcomes).toEqual(recorded.map((h) => ({ history: `${h.version}/${h.scenario}` })));
  });
});

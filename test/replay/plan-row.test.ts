/**
 * A row added to an operation's plan (domain/plans.ts) changes the commands its runs make. With the
 * row's `patch`, the recorded runs replay (they go on without it) and a new run takes it; without,
 * every recorded connect fails replay with a non-determinism error.
 */
import { CONNECTION_WORKFLOW } from '../../domain';
import { scriptedActivities, withOverrides } from '../harness/scripted-activities';
import { WorkflowHarness } from '../harness/workflow-harness';
import { apiKeyRequest } from '../proof/support/requests';
import { loadRecordedHistories, workflowTypeOf } from './histories';
import { bundleWorkflows, installQuietRuntime, replayAll } from './replay';
import { PLAN_PATCH_ID } from './variants/plan-row';

jest.setTimeout(120_000);

type Bundle = Awaited<ReturnType<typeof bundleWorkflows>>;
const recorded = loadRecordedHistories().filter((h) => workflowTypeOf(h) === CONNECTION_WORKFLOW);

describe('a row added to the connect plans, against the recorded histories', () => {
  let unpatched: Bundle;
  let patched: Bundle;

  beforeAll(async () => {
    installQuietRuntime();
    unpatched = await bundleWorkflows(require.resolve('./variants/plan-row-unpatched'));
    patched = await bundleWorkflows(require.resolve('./variants/plan-row-patched'));
  });

  it('without its patch, every recorded connect fails replay', async () => {
    const outcomes = await replayAll(unpatched, recorded);
    expect(outcomes.length).toBeGreaterThanOrEqual(5);
    for (const outcome of outcomes) expect(outcome.error).toMatch(/Nondeterminism error/);
  });

  it('with its patch, every recorded connect replays, and a new run takes the row and records the marker', async () => {
    const outcomes = await replayAll(patched, recorded);
    expect(outcomes).toEqual(recorded.map((h) => ({ history: `${h.version}/${h.scenario}` })));

    const harness = await WorkflowHarness.create({ code: patched.code });
    try {
      const run = await harness.start(CONNECTION_WORKFLOW, [apiKeyRequest({ roles: [] })], {
        activities: withOverrides(scriptedActivities()),
      });
      await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
      expect(run.scheduled().slice(0, 2)).toEqual(['preflight', 'verifyRemoteConnection']);
      expect(run.commands.flatMap((c) => (c.setPatchMarker?.patchId ? [c.setPatchMarker.patchId] : []))).toContain(
        PLAN_PATCH_ID,
      );
    } finally {
      await harness.destroy();
    }
  });
});

/**
 * Why the replay suite guards releases, shown on a deliberate change: the real connection workflow
 * with a new first activity (test/replay/variants). Unguarded, every recorded history fails replay
 * with a non-determinism error, which is what a worker running that release would do to every run
 * still open at its gates. Guarded by `patched()`, the recorded histories replay, and a new run
 * still takes the new step (the patch marker is recorded). Production workflow code is untouched.
 */
import { CONNECTION_WORKFLOW } from '../../domain';
import { WorkflowHarness } from '../harness/workflow-harness';
import { apiKeyRequest } from '../server/requests';
import { loadRecordedHistories, workflowTypeOf } from './histories';
import { bundleWorkflows, installQuietRuntime, replayAll } from './replay';
import { NEW_ACTIVITY, PATCH_ID } from './variants/new-step';

jest.setTimeout(120_000);

type Bundle = Awaited<ReturnType<typeof bundleWorkflows>>;

/** The variants change the connection workflow only (they export nothing else): its recorded runs. */
const recorded = loadRecordedHistories().filter((h) => workflowTypeOf(h) === CONNECTION_WORKFLOW);
const names = recorded.map((h) => `${h.version}/${h.scenario}`);

/** The first activities a fresh run of `bundle` schedules, and whether it recorded the patch marker. */
async function freshRun(bundle: Bundle) {
  const harness = await WorkflowHarness.create({ code: bundle.code });
  try {
    const run = await harness.start(CONNECTION_WORKFLOW, [apiKeyRequest('patched-b')], {
      activities: { [NEW_ACTIVITY]: async () => undefined },
    });
    await run.until((r) => r.scheduled().length >= 2);
    return {
      firstActivities: run.scheduled().slice(0, 2),
      patchMarkers: run.commands.flatMap((c) => (c.setPatchMarker?.patchId ? [c.setPatchMarker.patchId] : [])),
    };
  } finally {
    await harness.destroy();
  }
}

describe('a deliberate change to the connection workflow, against the recorded histories', () => {
  let unpatched: Bundle;
  let patched: Bundle;

  beforeAll(async () => {
    installQuietRuntime();
    unpatched = await bundleWorkflows(require.resolve('./variants/unpatched'));
    patched = await bundleWorkflows(require.resolve('./variants/patched'));
  });

  it('there are recorded histories to check against', () => {
    expect(names.length).toBeGreaterThanOrEqual(5);
  });

  it('unguarded, the change breaks the replay of every recorded run', async () => {
    const outcomes = await replayAll(unpatched, recorded);

    expect(outcomes.map((o) => o.history)).toEqual(names);
    for (const outcome of outcomes) {
      expect(outcome.error).toMatch(/^DeterminismViolationError: .*Nondeterminism error/s);
    }
  });

  it('guarded by patched(), every recorded run replays', async () => {
    const outcomes = await replayAll(patched, recorded);

    expect(outcomes).toEqual(names.map((history) => ({ history })));
  });

  it('guarded by patched(), a new run takes the new step and records the patch marker', async () => {
    const fresh = await freshRun(patched);

    expect(fresh.firstActivities).toEqual([NEW_ACTIVITY, 'preflight']);
    expect(fresh.patchMarkers).toEqual([PATCH_ID]);
  });

  it('unguarded, a new run takes the new step too (the two variants differ only in the guard)', async () => {
    const fresh = await freshRun(unpatched);

    expect(fresh.firstActivities).toEqual([NEW_ACTIVITY, 'preflight']);
    expect(fresh.patchMarkers).toEqual([]);
  });
});

/** Every operation asks the inventory workflow to read the estate again when it ends (the connection changed). */
import { FailureType, INVENTORY_WORKFLOW_ID } from '../../domain';
import { fails, scriptedActivities, withOverrides } from '../harness/scripted-activities';
import { type HarnessRun } from '../harness/workflow-harness';
import { WORKFLOWS_PATH, WorkflowHarness, apiKeyRequest, startConnection } from './fixtures';

let harness: WorkflowHarness;
beforeAll(async () => {
  harness = await WorkflowHarness.create(WORKFLOWS_PATH);
});
afterAll(() => harness.destroy());

function refreshes(run: HarnessRun) {
  return run
    .entries('signal-external')
    .filter((e) => e.workflowId === INVENTORY_WORKFLOW_ID)
    .map((e) => ({ name: e.name, args: e.args, delivered: e.delivered }));
}

describe('the inventory hears of every operation', () => {
  it('a connect that connected signals refresh once, at its end, naming the connection', async () => {
    const request = apiKeyRequest({ approval: { gates: [], deadline: '1h' } });
    const run = await startConnection(harness, request, {
      activities: withOverrides(scriptedActivities()),
      externalWorkflows: { [INVENTORY_WORKFLOW_ID]: true },
    });
    await run.resultValue();
    expect(refreshes(run)).toEqual([
      {
        name: 'refresh',
        args: [{ reason: 'connect connected', connectionId: run.workflowId }],
        delivered: true,
      },
    ]);
  });

  it('a rollback signals it too, and a namespace without the inventory workflow changes nothing', async () => {
    const request = apiKeyRequest({ approval: { gates: [], deadline: '1h' } });
    const run = await startConnection(harness, request, {
      activities: withOverrides(scriptedActivities(), { createRoles: fails(FailureType.Forbidden) }),
    });
    await expect(run.resultValue()).rejects.toMatchObject({ type: FailureType.Forbidden });
    expect(refreshes(run)).toEqual([
      {
        name: 'refresh',
        args: [{ reason: 'connect rolled-back', connectionId: run.workflowId }],
        delivered: false,
      },
    ]);
  });
});

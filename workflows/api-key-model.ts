/** The API key model's steps after preflight, in the documented order. */
import { ApplicationFailure } from '@temporalio/workflow';
import {
  type ApiKeyRecord,
  FailureType,
  RESTART_ELASTICSEARCH,
  STEP_CATALOG as STEPS,
  type StepInput,
  type VerificationReport,
} from '../domain';
import { registerRemote, verify } from './common-steps';
import { type StepRunner, allSteps } from './step-runner';

/** (api-key || proxy-ca) -> keystore -> register-remote -> restart -> verify -> roles. */
export async function apiKeyModel(steps: StepRunner, input: StepInput): Promise<VerificationReport> {
  // Both gates are decided before either step runs: nothing is created until the group is approved.
  await steps.approve('api-key', 'proxy-ca');
  let apiKey: ApiKeyRecord | undefined;
  const group: Promise<unknown>[] = [];
  if (steps.applies('api-key')) {
    group.push(steps.run(STEPS['api-key'], input).then((key) => (apiKey = key)));
  }
  if (steps.applies('proxy-ca')) group.push(steps.run(STEPS['proxy-ca'], input));
  await allSteps(group);

  await steps.step(STEPS.keystore, () => ({ ...input, apiKey: required(apiKey) }));

  await registerRemote(steps, input);

  if (steps.applies('restart')) {
    // The gate sits inside the step: only a reload that did not load the credentials needs a restart.
    await steps.run(STEPS.restart, input, {
      then: async (reload) => {
        if (reload.loaded) return [reload];
        if (steps.gates.gated('restart')) await steps.gates.waitFor('restart');
        return [reload, await steps.call(RESTART_ELASTICSEARCH, input)];
      },
    });
  }

  const verification = await verify(steps, input);

  await steps.step(STEPS.roles, () => ({ ...input, side: 'local' }));
  return verification;
}

function required(apiKey: ApiKeyRecord | undefined): ApiKeyRecord {
  if (apiKey) return apiKey;
  throw ApplicationFailure.create({
    type: FailureType.PreflightRefused,
    message: 'keystore needs the cross-cluster API key, but the api-key step did not run',
    nonRetryable: true,
  });
}

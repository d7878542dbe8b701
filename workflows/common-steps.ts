/** Steps both models run: register-remote and verify. */
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType, STEP_CATALOG as STEPS, type StepInput, type VerificationReport } from '../domain';
import { type StepRunner } from './step-runner';

export async function registerRemote(steps: StepRunner, input: StepInput): Promise<void> {
  await steps.step(STEPS['register-remote'], () => input);
}

/** Verify always applies; a connection that is not usable fails the step (VerificationFailed). */
export async function verify(steps: StepRunner, input: StepInput): Promise<VerificationReport> {
  await steps.approve('verify');
  return steps.run(STEPS.verify, input, {
    then: (report) => {
      if (report.connected) return report;
      throw ApplicationFailure.create({
        type: FailureType.VerificationFailed,
        message: report.detail,
        nonRetryable: true,
      });
    },
  });
}

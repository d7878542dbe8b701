/** Steps both models run: register-remote and verify. */
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType, type StepInput, type VerificationReport } from '../domain';
import { activity } from './activity-options';
import { type StepRunner } from './steps';

export async function registerRemote(steps: StepRunner, input: StepInput): Promise<void> {
  if (!steps.applies('register-remote')) return;
  const { request } = input;
  const local = request.local.deploymentId;
  await steps.approve('register-remote');
  await steps.run(
    'register-remote',
    [
      {
        step: 'register-remote',
        activity: 'unregisterRemoteCluster',
        run: () => activity('unregisterRemoteCluster', request, `cluster.remote.${request.alias} on ${local}`)(input),
      },
    ],
    () => activity('registerRemoteCluster', request, `cluster.remote.${request.alias} on ${local}`)(input),
  );
}

export async function verify(steps: StepRunner, input: StepInput): Promise<VerificationReport> {
  const { request } = input;
  await steps.approve('verify');
  return steps.run('verify', [], async () => {
    const report = await activity(
      'verifyRemoteConnection',
      request,
      `${request.alias} from ${request.local.deploymentId}`,
    )(input);
    if (!report.connected) {
      throw ApplicationFailure.create({
        type: FailureType.VerificationFailed,
        message: report.detail,
        nonRetryable: true,
      });
    }
    return report;
  });
}

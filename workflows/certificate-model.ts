/** The certificate model's steps after preflight. */
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType, type PlatformTrustRecord, type Side, type StepInput, type VerificationReport } from '../domain';
import { activity } from './activity-options';
import { registerRemote, verify } from './common-steps';
import { type StepRunner, allBranches } from './steps';

const SIDES: readonly Side[] = ['local', 'remote'];

/** platform-trust (both environments) -> deployment-trust (both deployments) -> register-remote -> verify -> roles. */
export async function certificateModel(steps: StepRunner, input: StepInput): Promise<VerificationReport> {
  const { request } = input;
  const envOf = (side: Side) => request[side].environment;
  const otherOf = (side: Side): Side => (side === 'local' ? 'remote' : 'local');

  let trust: PlatformTrustRecord[] = [];
  if (steps.applies('platform-trust')) {
    await steps.approve('platform-trust');
    trust = await steps.run(
      'platform-trust',
      SIDES.map((side) => ({
        step: 'platform-trust' as const,
        activity: 'removePlatformTrust' as const,
        run: () =>
          activity(
            'removePlatformTrust',
            request,
            `${envOf(side)} stops trusting ${envOf(otherOf(side))}`,
          )({
            ...input,
            side,
          }),
      })),
      () =>
        allBranches(
          SIDES.map((side) =>
            activity(
              'ensurePlatformTrust',
              request,
              `${envOf(side)} trusts ${envOf(otherOf(side))}`,
            )({
              ...input,
              side,
            }),
          ),
        ),
    );
  }

  if (steps.applies('deployment-trust')) {
    await steps.approve('deployment-trust');
    const relationshipIn = (side: Side): string => {
      const record = trust.find((t) => t.environment === envOf(side));
      if (!record) {
        throw ApplicationFailure.create({
          type: FailureType.PreflightRefused,
          message: `deployment-trust needs the trust relationship in ${envOf(side)}, but platform-trust did not run`,
          nonRetryable: true,
        });
      }
      return record.trustRelationshipId;
    };
    await steps.run(
      'deployment-trust',
      SIDES.map((side) => ({
        step: 'deployment-trust' as const,
        activity: 'removeDeploymentTrust' as const,
        run: () =>
          activity(
            'removeDeploymentTrust',
            request,
            `${request[side].deploymentId} restores its trust`,
          )({
            ...input,
            side,
          }),
      })),
      () =>
        allBranches(
          SIDES.map((side) =>
            activity(
              'ensureDeploymentTrust',
              request,
              `${request[side].deploymentId} trusts ${request[otherOf(side)].deploymentId}`,
            )({ ...input, side, trustRelationshipId: relationshipIn(side) }),
          ),
        ),
    );
  }

  await registerRemote(steps, input);
  const verification = await verify(steps, input);

  if (steps.applies('roles')) {
    await steps.approve('roles');
    await steps.run(
      'roles',
      SIDES.map((side) => ({
        step: 'roles' as const,
        activity: 'deleteRoles' as const,
        run: () => activity('deleteRoles', request, `on ${request[side].deploymentId}`)({ ...input, side }),
      })),
      () =>
        allBranches(
          SIDES.map((side) => activity('createRoles', request, `on ${request[side].deploymentId}`)({ ...input, side })),
        ),
    );
  }
  return verification;
}

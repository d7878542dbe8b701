/** The certificate model's steps after preflight, in the documented order. */
import { ApplicationFailure } from '@temporalio/workflow';
import {
  FailureType,
  type PlatformTrustRecord,
  STEP_CATALOG as STEPS,
  type Side,
  type StepInput,
  type VerificationReport,
} from '../domain';
import { registerRemote, verify } from './common-steps';
import { type StepRunner } from './step-runner';

const BOTH: readonly Side[] = ['local', 'remote'];

/** platform-trust (both environments) -> deployment-trust (both deployments) -> register-remote -> verify -> roles. */
export async function certificateModel(steps: StepRunner, input: StepInput): Promise<VerificationReport> {
  const trust = await steps.stepPerSide(STEPS['platform-trust'], BOTH, (side) => ({ ...input, side }));
  await steps.stepPerSide(STEPS['deployment-trust'], BOTH, (side) => ({
    ...input,
    side,
    trustRelationshipId: relationshipIn(trust, input.request[side].environment),
  }));
  await registerRemote(steps, input);
  const verification = await verify(steps, input);
  await steps.stepPerSide(STEPS.roles, BOTH, (side) => ({ ...input, side }));
  return verification;
}

function relationshipIn(trust: PlatformTrustRecord[], environment: string): string {
  const record = trust.find((t) => t.environment === environment);
  if (record) return record.trustRelationshipId;
  throw ApplicationFailure.create({
    type: FailureType.PreflightRefused,
    message: `deployment-trust needs the trust relationship in ${environment}, but platform-trust did not run`,
    nonRetryable: true,
  });
}

/**
 * A migration's last stage, after the deployments' `trust.external` entries: the trust
 * relationships crosslink made for the connection, deleted only once no deployment of the
 * environment references them (platform-trust.ts, as a disconnect deletes them).
 */
import { type SideStepInput } from '../../domain/activities';
import { type RetirementRecord } from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { removePlatformTrust } from './platform-trust';
import { retired } from './retire-certificate';

export async function retirePlatformTrust(
  deps: Deps,
  ctx: StepContext,
  input: SideStepInput,
): Promise<RetirementRecord> {
  return retired(await removePlatformTrust(deps, ctx, input));
}

export const activities = { retirePlatformTrust } satisfies StepImplementations;

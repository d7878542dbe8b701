/**
 * A migration's last stage (Elastic's guide, "Disable certificate based authentication and
 * authorization"), after its own gate and verified API key connection: the certificate trust only
 * this connection used goes, with the rules a disconnect follows (shared-trust-users.ts): an entry
 * another alias still needs, in either direction, stays, with the reason. This row: each
 * deployment's `trust.external` allowlist entry for the other; the trust relationships and the
 * remote roles follow in their own rows.
 */
import { type SideStepInput } from '../../domain/activities';
import { type RetirementRecord, type UndoReport } from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { removeDeploymentTrust } from './deployment-trust';

/** An undo's report as a forward step's record: it created nothing, it removed and kept. */
export function retired(report: UndoReport): RetirementRecord {
  return {
    attempt: report.attempt,
    created: [],
    detail: report.detail,
    removed: report.removed,
    kept: report.kept ?? [],
  };
}

/** The other deployment's cluster id out of this deployment's `trust.external`, unless something else needs it. */
export async function retireDeploymentTrust(
  deps: Deps,
  ctx: StepContext,
  input: SideStepInput,
): Promise<RetirementRecord> {
  return retired(await removeDeploymentTrust(deps, ctx, input));
}

export const activities = { retireDeploymentTrust } satisfies StepImplementations;

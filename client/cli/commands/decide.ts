import { ApprovalDecision, RejectionDecision, parseOrThrow } from '../../../domain';
import { approveGate, rejectGate } from '../../connections';
import { formatTime } from '../render/format';
import { type CliContext } from '../context';
import { CliError } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';

export async function approveCommand(
  ctx: CliContext,
  workflowId: string,
  gate: string,
  opts: { as: string; comment?: string; json?: boolean },
): Promise<ExitCode> {
  const decision = parseOrThrow(ApprovalDecision, { gate, approver: opts.as, comment: opts.comment }, 'approval');
  const entry = await approveGate(await ctx.client(), workflowId, decision);
  return report(ctx, entry, workflowId, opts.json);
}

export async function rejectCommand(
  ctx: CliContext,
  workflowId: string,
  gate: string,
  opts: { as: string; reason: string; json?: boolean },
): Promise<ExitCode> {
  const decision = parseOrThrow(RejectionDecision, { gate, approver: opts.as, reason: opts.reason }, 'rejection');
  const entry = await rejectGate(await ctx.client(), workflowId, decision);
  return report(ctx, entry, workflowId, opts.json);
}

interface Recorded {
  at: string;
  gate: string;
  decision: string;
  by?: string;
  refusal?: string;
}

function report(ctx: CliContext, entry: Recorded, workflowId: string, json?: boolean): ExitCode {
  if (entry.decision === 'refused') {
    if (json) ctx.out(JSON.stringify(entry));
    throw new CliError(EXIT.REFUSED, `refused by the workflow: ${entry.refusal ?? 'no reason given'}`);
  }
  if (json) {
    ctx.out(JSON.stringify(entry));
  } else {
    ctx.out(
      `Gate ${entry.gate} of ${workflowId}: ${entry.decision}${entry.by ? ` by ${entry.by}` : ''} at ${formatTime(entry.at)}.\n` +
        `Watch:   crosslink status ${workflowId} --watch`,
    );
  }
  return EXIT.OK;
}

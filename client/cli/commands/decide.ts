/**
 * `crosslink approve` / `reject`: sign the decision with the approver's own key, send it as the
 * workflow update, and wait a bounded time. Then say what happened: applied, refused (and why), or
 * queued because no worker took it yet (and when its token expires, after which it will be refused).
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  ApprovalDecision,
  type AuditEntry,
  type DecisionKind,
  type StepId,
  RejectionDecision,
  parseOrThrow,
} from '../../../domain';
import { digestMatches } from '../../../common/change-digest';
import { approveUpdate, rejectUpdate } from '../../../workflows/messages';
import { pendingGateChange } from '../../gate-change';
import { readPrivateKey, signDecision } from '../../decision-token';
import { formatTime } from '../render/format';
import { renderChange } from '../render/change';
import { QUERY_TIMEOUT_MS } from '../load-status';
import { type CliContext, cliCommand } from '../context';
import { CliError, grpcCode } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';

export interface DecideOptions {
  as: string;
  key: string;
  /** Seconds to wait for a worker to take the decision. */
  wait: number;
  /** Seconds the signed decision stays valid. */
  ttl: number;
  /** Print the signed decision (for an approval event) instead of sending it. */
  printToken?: boolean;
  json?: boolean;
  /** The digest of the change reviewed (from `crosslink status`): refused when the gate now guards another. */
  digest?: string;
}

export function approveCommand(
  ctx: CliContext,
  workflowId: string,
  gate: string,
  opts: DecideOptions & { comment?: string },
): Promise<ExitCode> {
  return decide(ctx, workflowId, 'approve', { gate, approver: opts.as, comment: opts.comment }, opts.comment, opts);
}

export function rejectCommand(
  ctx: CliContext,
  workflowId: string,
  gate: string,
  opts: DecideOptions & { reason: string },
): Promise<ExitCode> {
  return decide(ctx, workflowId, 'reject', { gate, approver: opts.as, reason: opts.reason }, opts.reason, opts);
}

async function decide(
  ctx: CliContext,
  workflowId: string,
  kind: DecisionKind,
  fields: Record<string, unknown>,
  text: string | undefined,
  opts: DecideOptions,
): Promise<ExitCode> {
  const schema = kind === 'approve' ? ApprovalDecision : RejectionDecision;
  const plain = parseOrThrow(schema, fields, kind === 'approve' ? 'approval' : 'rejection');
  let keyPem: string;
  try {
    keyPem = ctx.readFile(opts.key);
  } catch (err) {
    throw new CliError(
      EXIT.INVALID_INPUT,
      `cannot read the key file ${opts.key}: ${(err as NodeJS.ErrnoException).code ?? err}`,
    );
  }
  const key = readPrivateKey(keyPem, opts.key);

  const client = await ctx.client();
  const handle = client.workflow.getHandle(workflowId);
  const desc = await handle.describe();
  if (desc.status.name !== 'RUNNING') {
    throw new CliError(
      EXIT.REFUSED,
      `${workflowId} is closed (${desc.status.name.toLowerCase()}); there is no gate to decide. \`${cliCommand(ctx)} history ${workflowId}\` shows how it ended`,
    );
  }
  const now = ctx.now();
  const change = await changeToSign(ctx, client, workflowId, plain.gate, opts);
  const expires = new Date(now.getTime() + opts.ttl * 1000);
  const token = await signDecision(key, {
    approver: opts.as,
    workflowId,
    runId: desc.runId,
    gate: plain.gate,
    decision: kind,
    ...(text ? { text } : {}),
    ...(change ? { change } : {}),
    ttlSeconds: opts.ttl,
    now,
  });
  const decision = { ...plain, token };
  if (opts.printToken) {
    ctx.out(JSON.stringify({ workflowId, ...decision }));
    return EXIT.OK;
  }

  let entry: AuditEntry;
  try {
    entry = await client.withDeadline(now.getTime() + opts.wait * 1000, () =>
      kind === 'approve'
        ? handle.executeUpdate(approveUpdate, { args: [decision as ApprovalDecision] })
        : handle.executeUpdate(rejectUpdate, { args: [decision as RejectionDecision] }),
    );
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      throw new CliError(EXIT.REFUSED, `refused: ${err.cause?.message ?? err.message}`);
    }
    if (isTimeout(err)) {
      const message =
        `queued: no worker took the decision within ${opts.wait}s. Temporal holds it and a worker applies it when one runs, ` +
        `but it will be refused as expired if no worker checks it before ${formatTime(expires.toISOString())}.`;
      if (opts.json) ctx.out(JSON.stringify({ workflowId, status: 'queued', expires: expires.toISOString() }));
      else ctx.out(message);
      return EXIT.UNAVAILABLE;
    }
    throw err;
  }
  return report(ctx, entry, workflowId, opts.json);
}

/**
 * The digest to sign: the change the pending gate shows (checked to be the digest of what it shows,
 * and printed, so the approver signs what they see), or the one given with --digest, which must be
 * the gate's when the gate can be read. Runs from before changes were shown have none.
 */
async function changeToSign(
  ctx: CliContext,
  client: Awaited<ReturnType<CliContext['client']>>,
  workflowId: string,
  gate: StepId,
  opts: DecideOptions,
): Promise<string | undefined> {
  const { change } = await pendingGateChange(client.workflow, workflowId, gate, QUERY_TIMEOUT_MS);
  if (!change) return opts.digest;
  if (!digestMatches(change)) {
    throw new CliError(
      EXIT.REFUSED,
      `the change gate "${gate}" shows does not match its digest ${change.digest}: not signed`,
    );
  }
  if (opts.digest && opts.digest !== change.digest) {
    throw new CliError(
      EXIT.REFUSED,
      `gate "${gate}" now guards the change ${change.digest}, not the one you reviewed (${opts.digest}): review it again with ${cliCommand(ctx)} status ${workflowId}`,
    );
  }
  if (!opts.json && !opts.printToken) ctx.out(renderChange(change));
  return change.digest;
}

/** The client gave up waiting (deadline) rather than the server refusing. */
function isTimeout(err: unknown): boolean {
  if ((err as Error)?.name === 'WorkflowUpdateRPCTimeoutOrCancelledError') return true;
  return grpcCode(err) === 4; // DEADLINE_EXCEEDED
}

function report(ctx: CliContext, entry: AuditEntry, workflowId: string, json?: boolean): ExitCode {
  if (json) ctx.out(JSON.stringify(entry));
  if (entry.decision === 'refused') {
    throw new CliError(EXIT.REFUSED, `refused by the workflow: ${entry.refusal ?? 'no reason given'}`);
  }
  if (!json) {
    const more = entry.remaining ? `; the gate stays open: it needs ${entry.remaining}` : '';
    ctx.out(
      `Gate ${entry.gate} of ${workflowId}: ${entry.decision} by ${entry.by ?? '?'} at ${formatTime(entry.at)}${more}.\n` +
        `Watch:   ${cliCommand(ctx)} status ${workflowId} --watch`,
    );
  }
  return EXIT.OK;
}

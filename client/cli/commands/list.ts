import { type WorkflowExecutionInfo } from '@temporalio/client';
import {
  CONNECTION_WORKFLOW,
  GATE_SEARCH_ATTRIBUTES,
  GATE_SEARCH_ATTRIBUTE_KEYS,
  SEARCH_ATTRIBUTES,
  SEARCH_ATTRIBUTE_KEYS,
} from '../../../domain';
import { howToRegisterSearchAttributes } from '../../search-attributes';
import { type CliContext } from '../context';
import { CliError, grpcCode } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';
import { type ConnectionListItem, renderList } from '../render/list';

const KEYS = SEARCH_ATTRIBUTE_KEYS;

/** A value inside a visibility query's single quotes. */
const quoted = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * The visibility query `list` runs (exported for docs and tests). `awaiting`: the runs of any
 * operation whose pending gate that approver may decide (CrosslinkApprovers), not only connects.
 */
export function listQuery(state?: string, awaiting?: string): string {
  if (awaiting !== undefined) {
    return [
      `${GATE_SEARCH_ATTRIBUTES.approvers} = ${quoted(awaiting)}`,
      `${SEARCH_ATTRIBUTES.state} = 'awaiting-approval'`,
      `ExecutionStatus = 'Running'`,
    ].join(' AND ');
  }
  const clauses = [`WorkflowType = '${CONNECTION_WORKFLOW}'`];
  if (state) clauses.push(`${SEARCH_ATTRIBUTES.state} = ${quoted(state)}`);
  return clauses.join(' AND ');
}

export function toListItem(info: WorkflowExecutionInfo): ConnectionListItem {
  const attrs = info.typedSearchAttributes;
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    status: info.status.name,
    state: attrs.get(KEYS.state),
    step: attrs.get(KEYS.step),
    gate: attrs.get(GATE_SEARCH_ATTRIBUTE_KEYS.gate),
    approvers: attrs.get(GATE_SEARCH_ATTRIBUTE_KEYS.approvers),
    localDeployment: attrs.get(KEYS.localDeployment),
    remoteDeployment: attrs.get(KEYS.remoteDeployment),
    alias: attrs.get(KEYS.alias),
    startTime: info.startTime.toISOString(),
    closeTime: info.closeTime?.toISOString(),
  };
}

export async function listCommand(
  ctx: CliContext,
  opts: { state?: string; json?: boolean; limit: number; awaitingMe?: boolean; as?: string },
): Promise<ExitCode> {
  if (opts.awaitingMe && !opts.as)
    throw new CliError(EXIT.INVALID_INPUT, '--awaiting-me needs --as <your approver id>');
  const client = await ctx.client();
  const items: ConnectionListItem[] = [];
  try {
    for await (const info of client.workflow.list({
      query: listQuery(opts.state, opts.awaitingMe ? opts.as : undefined),
      pageSize: Math.min(opts.limit, 100),
    })) {
      items.push(toListItem(info));
      if (items.length >= opts.limit) break;
    }
  } catch (err) {
    if (grpcCode(err) === 3 && /Crosslink/i.test((err as Error).message)) {
      throw new CliError(
        EXIT.UNAVAILABLE,
        `the namespace does not know crosslink's search attributes (${(err as Error).message}). Register them once:\n` +
          howToRegisterSearchAttributes(client.options.namespace)
            .split('\n')
            .map((line) => `  ${line}`)
            .join('\n'),
      );
    }
    throw err;
  }
  ctx.out(opts.json ? JSON.stringify(items) : renderList(items));
  return EXIT.OK;
}

import { type WorkflowExecutionInfo } from '@temporalio/client';
import { CONNECTION_WORKFLOW, SEARCH_ATTRIBUTES, SEARCH_ATTRIBUTE_KEYS } from '../../../domain';
import { type CliContext } from '../context';
import { CliError, grpcCode } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';
import { type ConnectionListItem, renderList } from '../render/list';

const KEYS = SEARCH_ATTRIBUTE_KEYS;

/** The visibility query `list` runs (exported for docs and tests). */
export function listQuery(state?: string): string {
  const clauses = [`WorkflowType = '${CONNECTION_WORKFLOW}'`];
  if (state) clauses.push(`${SEARCH_ATTRIBUTES.state} = '${state}'`);
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
    localDeployment: attrs.get(KEYS.localDeployment),
    remoteDeployment: attrs.get(KEYS.remoteDeployment),
    alias: attrs.get(KEYS.alias),
    startTime: info.startTime.toISOString(),
    closeTime: info.closeTime?.toISOString(),
  };
}

export async function listCommand(
  ctx: CliContext,
  opts: { state?: string; json?: boolean; limit: number },
): Promise<ExitCode> {
  const client = await ctx.client();
  const items: ConnectionListItem[] = [];
  try {
    for await (const info of client.workflow.list({
      query: listQuery(opts.state),
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
          Object.values(SEARCH_ATTRIBUTES)
            .map((name) => `  temporal operator search-attribute create --name ${name} --type Keyword`)
            .join('\n'),
      );
    }
    throw err;
  }
  ctx.out(opts.json ? JSON.stringify(items) : renderList(items));
  return EXIT.OK;
}

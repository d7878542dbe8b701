/**
 * `crosslink apply <plan.json>` or `crosslink apply -f connections.yaml` (which plans first): one
 * apply workflow (`crosslink-apply.<plan id>`) that checks the plan against the estate at its start
 * and runs each action as the operation's own run under its connection id, each with its gates.
 * A plan without actions starts nothing: applying an applied file again is a no-op.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  ApplyRequest,
  type ApplyStatus,
  DEFAULT_MAX_PER_DEPLOYMENT,
  type DesiredPlan,
  DesiredPlan as DesiredPlanSchema,
  FailureType,
  Identity,
  applySucceeded,
  fieldErrors,
  planActions,
} from '../../../domain';
import { planIdMatches } from '../../plan-id';
import { startOrFind } from '../../start-or-find';
import { workflowUiUrl } from '../../temporal-connection';
import { applyStatusQuery } from '../../../workflows/messages';
import { type CliContext } from '../context';
import { CliError } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';
import { renderApplyStatus, renderPlan } from '../render/desired-plan';
import { refuseUnlessStartedOrSame, readJsonFile } from './lifecycle-start';
import { UNASSIGNED_REQUESTER, makePlan } from './plan';

export interface ApplyOptions {
  file?: string;
  prune?: boolean;
  as?: string;
  maxPerDeployment: number;
  maxAge?: number;
  wait: number;
  /** Follow the apply until it ends (each run still waits for its approvers). */
  follow?: boolean;
  /** With -f: describe each gate (default true). */
  describe?: boolean;
  json?: boolean;
}

/** A saved plan, checked: its schema, and that its content is the one its id was made from. */
function readSavedPlan(ctx: CliContext, path: string): DesiredPlan {
  const parsed = DesiredPlanSchema.safeParse(readJsonFile(ctx, path));
  if (!parsed.success) {
    const problems = fieldErrors(parsed.error).map((e) => `  ${e.field}: ${e.message}`);
    throw new CliError(
      EXIT.INVALID_INPUT,
      `${path} is not a saved plan (crosslink plan --out):\n${problems.join('\n')}`,
    );
  }
  if (!planIdMatches(parsed.data)) {
    throw new CliError(
      EXIT.INVALID_INPUT,
      `${path} was changed after it was made (its content is not plan ${parsed.data.id}): plan again with crosslink plan --out`,
    );
  }
  return parsed.data;
}

function requesterOf(plan: DesiredPlan, as: string | undefined): string {
  const requester = as ?? (plan.requestedBy !== UNASSIGNED_REQUESTER ? plan.requestedBy : undefined);
  if (!requester) {
    throw new CliError(
      EXIT.INVALID_INPUT,
      'who requests these runs? name yourself with --as <name> (or set requestedBy in the desired-state file)',
    );
  }
  if (!Identity.safeParse(requester).success)
    throw new CliError(EXIT.INVALID_INPUT, `--as ${requester}: not a valid name`);
  return requester;
}

export async function applyCommand(
  ctx: CliContext,
  planFile: string | undefined,
  opts: ApplyOptions,
): Promise<ExitCode> {
  if ((planFile === undefined) === (opts.file === undefined)) {
    throw new CliError(
      EXIT.USAGE,
      'apply takes a saved plan (crosslink apply plan.json) or a desired-state file (-f), not both',
    );
  }
  const plan = planFile
    ? readSavedPlan(ctx, planFile)
    : await makePlan(ctx, {
        file: opts.file!,
        prune: opts.prune ?? false,
        ...(opts.as ? { as: opts.as } : {}),
        ...(opts.maxAge !== undefined ? { maxAge: opts.maxAge } : {}),
        wait: opts.wait,
        ...(opts.describe === false ? { describe: false } : {}),
      });
  if (!planFile && !opts.json) ctx.out(`${renderPlan(plan)}\n`);
  const actions = planActions(plan);
  if (actions.length === 0) {
    ctx.out(
      opts.json
        ? JSON.stringify({ planId: plan.id, started: false, actions: 0 })
        : 'No changes to apply: nothing was started.',
    );
    return EXIT.OK;
  }
  const request = ApplyRequest.parse({
    plan,
    requestedBy: requesterOf(plan, opts.as),
    maxPerDeployment: opts.maxPerDeployment,
  });
  const client = await ctx.client();
  const started = refuseUnlessStartedOrSame(await startOrFind(client, { operation: 'apply', request }));
  const url = workflowUiUrl(ctx.target(), started.workflowId);
  if (!opts.json) {
    ctx.out(
      [
        started.status === 'started'
          ? `Started apply ${started.workflowId} (run ${started.runId}): ${actions.reduce((n, a) => n + a.actions.length, 0)} action(s) on ${actions.length} connection(s), at most ${request.maxPerDeployment} run(s) per deployment at once.`
          : `The apply of plan ${plan.id} is already running (run ${started.runId}); nothing new was started.`,
        'Each action runs under its connection id with its own gates (crosslink approve <connection id> <gate> ...):',
        ...actions.flatMap(({ entry, actions: list }) =>
          list.map((a) => `  ${a.kind.padEnd(13)} crosslink status ${entry.connectionId} --watch`),
        ),
        `Web UI:  ${url}`,
        `Watch:   crosslink status ${started.workflowId}`,
      ].join('\n'),
    );
  }
  if (!opts.follow) {
    if (opts.json) ctx.out(JSON.stringify({ ...started, planId: plan.id, url }));
    return EXIT.OK;
  }
  return followApply(ctx, started.workflowId, opts.json === true);
}

/** Prints the apply's status as it changes until it ends; exit 0 when every action is done. */
async function followApply(ctx: CliContext, workflowId: string, json: boolean): Promise<ExitCode> {
  const client = await ctx.client();
  const handle = client.workflow.getHandle(workflowId);
  let last = '';
  for (;;) {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') break;
    const status = await handle.query(applyStatusQuery).catch(() => undefined);
    const text = status ? renderApplyStatus(status) : '';
    if (text && text !== last && !json) ctx.out(text);
    last = text;
    await ctx.sleep(1000);
  }
  try {
    const status = (await handle.result()) as ApplyStatus;
    ctx.out(json ? JSON.stringify(status) : renderApplyStatus(status));
    return applySucceeded(status) ? EXIT.OK : EXIT.NOT_CONNECTED;
  } catch (err) {
    const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === FailureType.PlanStale) {
      const status = cause.details?.[0] as ApplyStatus | undefined;
      ctx.out(json ? JSON.stringify(status ?? null) : cause.message);
      return EXIT.PLAN_STALE;
    }
    throw err;
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number of seconds');
  return n;
}

export function registerApplyCommand(
  program: Command,
  ctx: CliContext,
  run: (p: Promise<ExitCode>) => Promise<void>,
): void {
  program
    .command('apply')
    .description('apply a saved plan, or plan a desired-state file and apply it: each action as its own gated run')
    .argument('[plan.json]', 'a plan saved by crosslink plan --out')
    .option('-f, --file <connections.yaml>', 'plan this desired-state file first, then apply that plan')
    .option('--prune', 'with -f: disconnect managed connections in scope the file does not declare')
    .option('--as <name>', "who requests the runs (default: the file's requestedBy)")
    .option(
      '--max-per-deployment <n>',
      'at most this many runs at once on one deployment',
      positiveInt,
      DEFAULT_MAX_PER_DEPLOYMENT,
    )
    .option('--max-age <seconds>', 'with -f: plan from the held inventory when at most this old', seconds)
    .option('--wait <seconds>', 'with -f: how long to wait for the discovery', seconds, 300)
    .option('--follow', 'print the status as it changes until the apply ends (exit 0 when every action is done)')
    .option('--no-describe', 'with -f: do not ask a worker what each gate would approve')
    .option('--json', 'print the outcome as JSON')
    .action((planFile: string | undefined, opts: ApplyOptions) => run(applyCommand(ctx, planFile, opts)));
}

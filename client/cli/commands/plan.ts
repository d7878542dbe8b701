/**
 * `crosslink plan -f connections.yaml`: the desired-state file against the observed estate (the
 * inventory workflow's discovery: only workers read the systems), per connection what apply would
 * do. Exit codes as `terraform plan -detailed-exitcode`: 0 no changes, 2 changes, 1 an error.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { writeFileSync } from 'node:fs';
import { type Client } from '@temporalio/client';
import {
  type DesiredPlan,
  type DesiredPlanBody,
  type DesiredState,
  type DescribedAction,
  INVENTORY_WORKFLOW_ID,
  MAX_DESCRIBED_ACTIONS,
  planDesiredState,
  planHasChanges,
  planRefusal,
} from '../../../domain';
import { describePlanUpdate } from '../../../workflows/messages';
import { DesiredStateFileError, parseDesiredState } from '../../../common/desired-state-file';
import { withPlanId } from '../../plan-id';
import { type CliContext } from '../context';
import { CliError } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';
import { readInventory } from '../inventory-client';
import { renderPlan } from '../render/desired-plan';

/** The requester a plan's requests carry when neither --as nor the file names one; apply then asks for --as. */
export const UNASSIGNED_REQUESTER = 'unassigned';

export interface PlanOptions {
  file: string;
  prune?: boolean;
  as?: string;
  /** Use the inventory workflow's inventory when it is at most this old (seconds); default: a new discovery. */
  maxAge?: number;
  /** Seconds to wait for the discovery. */
  wait: number;
  /** Describe what each gate would approve (a worker reads the systems); default true. */
  describe?: boolean;
}

/** How long a worker may take to describe one batch of actions (each reads what its run's preflight reads). */
const DESCRIBE_TIMEOUT_MS = 180_000;

/**
 * What each gate of each action would approve, described by a worker (the inventory workflow's
 * `describePlan` update runs the reads): attached to the plan's actions. When no worker answers,
 * each action says so; the plan itself stands.
 */
export async function describePlanGates(client: Client, body: DesiredPlanBody): Promise<void> {
  const actions = body.entries.flatMap((e) =>
    e.actions.map((a) => ({
      entry: e,
      action: a,
      ask: { connectionId: e.connectionId, kind: a.kind, request: a.request },
    })),
  );
  const handle = client.workflow.getHandle(INVENTORY_WORKFLOW_ID);
  for (let i = 0; i < actions.length; i += MAX_DESCRIBED_ACTIONS) {
    const batch = actions.slice(i, i + MAX_DESCRIBED_ACTIONS);
    let described: DescribedAction[] = [];
    let failed: string | undefined;
    try {
      described = await client.withDeadline(Date.now() + DESCRIBE_TIMEOUT_MS, () =>
        handle.executeUpdate(describePlanUpdate, { args: [{ actions: batch.map((b) => b.ask) }] }),
      );
    } catch (err) {
      failed = `not described: no worker answered (${(err as Error).message})`;
    }
    for (const { entry, action } of batch) {
      const d = described.find((x) => x.connectionId === entry.connectionId && x.kind === action.kind);
      if (d?.gates) action.gates = d.gates;
      const note = d?.note ?? failed;
      if (note) action.gatesNote = note;
    }
  }
}

/** Reads and validates the file; every problem names its line. */
export function readDesiredState(ctx: CliContext, file: string): DesiredState {
  let text: string;
  try {
    text = ctx.readFile(file);
  } catch (err) {
    throw new CliError(EXIT.FAILURE, `cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return parseDesiredState(text, file);
  } catch (err) {
    if (err instanceof DesiredStateFileError) throw new CliError(EXIT.FAILURE, err.message);
    throw err;
  }
}

/** The plan of a file against the estate the inventory workflow discovers now (or holds, with --max-age). */
export async function makePlan(ctx: CliContext, opts: PlanOptions): Promise<DesiredPlan> {
  const desired = readDesiredState(ctx, opts.file);
  const client = await ctx.client();
  const reason = `crosslink plan of ${opts.file}`;
  const read = await readInventory(client, {
    ...(opts.maxAge === undefined ? { refresh: { reason } } : { maxAge: { ms: opts.maxAge * 1000, reason } }),
    waitMs: opts.wait * 1000,
    progress: (line) => ctx.err(line),
    sleep: (ms) => ctx.sleep(ms),
    now: () => ctx.now(),
  });
  const inventory = read.view.inventory;
  if (read.note || !inventory) {
    throw new CliError(
      EXIT.FAILURE,
      `no plan: ${read.note ?? 'no inventory'}; a plan is made from a discovery of now (wait longer with --wait)`,
    );
  }
  const refusal = planRefusal(inventory);
  if (refusal) throw new CliError(EXIT.FAILURE, `no plan: ${refusal}`);
  const body = planDesiredState(desired, inventory, {
    prune: opts.prune ?? false,
    now: ctx.now().getTime(),
    requestedBy: opts.as ?? desired.requestedBy ?? UNASSIGNED_REQUESTER,
    source: opts.file,
  });
  if (opts.describe !== false) await describePlanGates(client, body);
  return withPlanId(body);
}

export async function planCommand(
  ctx: CliContext,
  opts: PlanOptions & { json?: boolean; out?: string },
): Promise<ExitCode> {
  const plan = await makePlan(ctx, opts);
  if (opts.out) {
    try {
      writeFileSync(opts.out, `${JSON.stringify(plan, null, 2)}\n`, { flag: 'w' });
    } catch (err) {
      throw new CliError(EXIT.FAILURE, `cannot write ${opts.out}: ${(err as Error).message}`);
    }
  }
  if (opts.json) ctx.out(JSON.stringify(plan));
  else {
    const next = planHasChanges(plan)
      ? `\n\nApply it: crosslink apply ${opts.out ?? `-f ${opts.file}${opts.prune ? ' --prune' : ''}`}${opts.out ? '' : ' (or save it with --out and apply the file)'}`
      : '';
    ctx.out(`${renderPlan(plan)}${next}`);
  }
  return planHasChanges(plan) ? EXIT.PLAN_CHANGES : EXIT.OK;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number of seconds');
  return n;
}

const HELP = `
The file (YAML or JSON, schemas/connections.schema.json) declares the connections that should exist.
Each is compared with what the inventory workflow discovers now: create, update access (the access
diff), rotate (a key older than its rotateAfter), migrate model, disconnect (managed, in the file's
scope, not declared: only with --prune), or nothing to do; per action, what each gate of its run
would approve. Exit codes (as terraform plan -detailed-exitcode): 0 no changes, 2 changes, 1 error.`;

export function registerPlanCommands(
  program: Command,
  ctx: CliContext,
  run: (p: Promise<ExitCode>) => Promise<void>,
): void {
  program
    .command('plan')
    .description('compare a desired-state file (connections.yaml) with the estate: what apply would do')
    .requiredOption('-f, --file <connections.yaml>', 'the desired-state file (YAML or JSON)')
    .option('--prune', 'disconnect managed connections in scope that the file does not declare')
    .option('--as <name>', "the requester the plan's runs carry (default: the file's requestedBy)")
    .option('--out <plan.json>', 'save the plan for `crosslink apply <plan.json>`')
    .option(
      '--max-age <seconds>',
      'plan from the held inventory when it is at most this old (default: discover now)',
      seconds,
    )
    .option('--wait <seconds>', 'how long to wait for the discovery', seconds, 300)
    .option('--no-describe', 'do not ask a worker what each gate would approve')
    .option('--json', 'print the plan as JSON')
    .addHelpText('after', HELP)
    .action((opts: PlanOptions & { json?: boolean; out?: string }) => run(planCommand(ctx, opts)));
}

/**
 * The operations, as data: each is a plan, an ordered list of the step catalog's rows (and parallel
 * groups of them), with per-row options: where the gate sits, what the row's activity takes, when
 * its undo keeps what it would remove, where rolling back ends. One runner executes every plan
 * (workflows/engine/plan-runner.ts); docs/operations.md draws them (npm run docs:operations).
 *
 * A row's options are functions of the run's context (what earlier rows returned), so a plan says
 * in one place what each step needs from the ones before it, and the compiler checks each input
 * against the row's activity (domain/step-catalog.ts).
 */
import { type Side, type StepInput } from './activities';
import { type ConnectionRequest } from './connection-request';
import { FailureType } from './failures';
import { WORKFLOW_TYPES } from './temporal-contract';
import { type ProxyCaBatchInput } from './fan-out';
import { type ApplyRequest } from './apply';
import { type MigrationFacts, type PreflightResult, type SealedSecret, type StepDecision } from './records';
import { decideMigration } from './migration';
import {
  type Decision,
  type DecisionFacts,
  type InputOfCall,
  type ResultOfCall,
  type RowActivity,
  type RowId,
  type RowUndo,
  type SecurityModel,
  STEP_CATALOG,
  STEP_IDS,
  type StepId,
  rowOf,
} from './step-catalog';

/** What a plan's options read while it runs. */
export interface PlanContext<Extra = unknown> {
  readonly connectionId: string;
  readonly request: ConnectionRequest;
  /** The input every step after the facts takes (throws before preflight or the inspection). */
  readonly stepInput: StepInput;
  /** The operation's own inputs (rotate: the sealed old credential). */
  readonly extra: Extra;
  /** The row's results so far (one per side for a per-side row; the follow-up's after the step's). */
  results<R extends RowId>(row: R): ResultOfCall<RowActivity<R>>[];
  /** Whether the row's activity was scheduled (it may have taken effect even if it failed); or its follow-up's. */
  started(row: RowId, part?: 'follow-up'): boolean;
}

type ArgOf<R extends RowId> = InputOfCall<RowActivity<R>>;
/** A per-side row's input without its side: the runner adds it. */
type InputFor<R extends RowId> = ArgOf<R> extends { side: Side } ? Omit<ArgOf<R>, 'side'> : ArgOf<R>;
type UndoArgOf<R extends RowId> = RowUndo<R> extends null ? never : InputOfCall<NonNullable<RowUndo<R>>>;

/**
 * Where a row's approval gate sits: `before` the step (when the policy or the request gates it),
 * `inside` (before the row's follow-up, only when the follow-up is needed), or skipped when another
 * row's approval covers this one (`coveredBy`: update-access's roles ride on its api-key approval).
 */
export type GatePlacement = 'before' | 'inside' | { readonly coveredBy: RowId };

export interface RowEntry<R extends RowId = RowId, Extra = unknown> {
  readonly kind: 'row';
  readonly row: R;
  readonly gate?: GatePlacement;
  /** The activity's input (a per-side row: without the side, which the runner adds). Default: the step input. */
  readonly input?: (ctx: PlanContext<Extra>, side: Side | undefined) => InputFor<R>;
  /** The undo's input, built when the undo runs (default: the step's own input). */
  readonly undoInput?: (ctx: PlanContext<Extra>, stepInput: ArgOf<R>) => UndoArgOf<R>;
  /** A reason to keep what the undo would remove (the undo does not run); undefined: undo. */
  readonly keepOnUndo?: (ctx: PlanContext<Extra>) => string | undefined;
  /** The row's progress line, when its records' details are not the right one. */
  readonly detail?: (ctx: PlanContext<Extra>, records: readonly ResultOfCall<RowActivity<R>>[]) => string;
  /** Once this row succeeded there is nothing to roll back to: a later failure is reported, not undone. */
  readonly commit?: boolean;
  /** Runs without a progress row of its own (a last check whose outcome is the run's report). */
  readonly unlisted?: boolean;
  /** The row's result holds the facts the later steps take: preflight's (decisions, policy, notify). */
  readonly facts?: boolean;
  /**
   * A row added to a plan after runs of it were recorded: the `patched()` id under which it runs.
   * A run recorded before it (replayed on this code) goes on without it; every new run runs it.
   */
  readonly patch?: string;
}

export interface ParallelEntry<Extra = unknown> {
  readonly kind: 'parallel';
  /** Every gate of the group is decided, in order, before any of its rows runs. */
  readonly rows: readonly RowEntry<RowId, Extra>[];
}

/** A gate the operation always waits at, whatever the policy (disconnect's, migrate's last). */
export interface GateEntry {
  readonly kind: 'gate';
  readonly step: StepId;
  /**
   * Once approved there is nothing to roll back to: a rejection or deadline still rolls back, a
   * failure after it is reported (migrate: removing the certificate trust).
   */
  readonly commit?: boolean;
}

/**
 * The undos of `rows`, newest first, run to the end (each failure recorded, the others still run)
 * and not cancellable once started: disconnect removes what a connect made, whoever made it.
 */
export interface ReclaimEntry {
  readonly kind: 'reclaim';
  readonly rows: readonly RowId[];
  /** Rows added to the connect plan after runs were recorded, by the `patch` they carry there. */
  readonly patches?: Readonly<Partial<Record<RowId, string>>>;
}

/** Child runs of other operations under their own ids (fan-out's pairs): the plan's rows undo when not every child succeeded. */
export interface ChildrenEntry {
  readonly kind: 'children';
  readonly summary: string;
}

export type PlanEntry<Extra = unknown> =
  RowEntry<RowId, Extra> | ParallelEntry<Extra> | GateEntry | ReclaimEntry | ChildrenEntry;

/** What an operation's decisions read: the request, the connection's working key, the change asked for. */
export interface OperationFacts {
  request: ConnectionRequest;
  existingKey?: PreflightResult['existingKey'];
  /** The lifecycle change asked for (update-access: whether it names roles). */
  changesRoles?: boolean;
  /** migrate: the connection as a connect's rows decide (the target request) and as the certificate model has it. */
  migration?: { connect: DecisionFacts; facts: MigrationFacts };
}

export type Operation = 'connect' | 'update-access' | 'rotate' | 'disconnect' | 'fan-out' | 'migrate' | 'apply';

export interface Plan<Extra = unknown> {
  readonly operation: Operation;
  readonly model?: SecurityModel;
  /** One line: what the operation does (docs/operations.md). */
  readonly summary: string;
  /** Where the facts come from: the connect's preflight row, or an inspection of the connection before the plan. */
  readonly facts: 'preflight' | 'inspect' | 'none';
  /** Gates the operation always asks for (added to the request's; the policy may add more). */
  readonly gates: readonly StepId[];
  readonly entries: readonly PlanEntry<Extra>[];
  /** A refusal from the facts before anything runs (a rotation needs a single working key). */
  readonly refuse?: (facts: OperationFacts, connectionId: string) => string | undefined;
  /** Which of the plan's steps apply; absent: each row decides (the connect's decisions, preflight). */
  readonly decide?: (facts: OperationFacts) => Partial<Record<StepId, Decision>>;
  /** The failure once a `commit` row succeeded (nothing is rolled back then), from the failure's message. */
  readonly afterCommit?: (failure: string, type: string) => { type: string; message: string };
}

type RowOptions<R extends RowId, Extra> = Omit<RowEntry<R, Extra>, 'kind' | 'row'>;
/** A row whose activity takes more than the step input must say how its input is built. */
type OptionsArgs<R extends RowId, Extra> = [StepInput] extends [InputFor<R>]
  ? [options?: RowOptions<R, Extra>]
  : [options: RowOptions<R, Extra> & Required<Pick<RowOptions<R, Extra>, 'input'>>];

function row<R extends RowId, Extra = unknown>(id: R, ...[options]: OptionsArgs<R, Extra>): RowEntry<R, Extra> {
  return { kind: 'row', row: id, ...options };
}

function parallel<Extra>(...rows: RowEntry<RowId, Extra>[]): ParallelEntry<Extra> {
  return { kind: 'parallel', rows };
}

/** The records of a row the plan requires (a later step's input), or a refusal the run rolls back with. */
export class MissingResult extends Error {
  constructor(
    readonly row: RowId,
    readonly needed: RowId,
  ) {
    super(`${needed} needs the result of ${row}, but ${row} did not run`);
  }
}

function one<R extends RowId>(ctx: PlanContext, id: R, needed: RowId): ResultOfCall<RowActivity<R>> {
  const [first] = ctx.results(id);
  if (first === undefined) throw new MissingResult(id, needed);
  return first;
}

function factsInput(ctx: PlanContext): { connectionId: string; request: ConnectionRequest } {
  return { connectionId: ctx.connectionId, request: ctx.request };
}

function preflightDetail(_ctx: PlanContext, [p]: readonly PreflightResult[]): string {
  return p
    ? `local ${p.local.version}, remote ${p.remote.version}${p.restartExpected ? '; restart expected' : ''}`
    : '';
}

/** The trust relationship platform-trust made (or found) in the side's environment. */
function relationshipIn(ctx: PlanContext, side: Side | undefined): string {
  const environment = ctx.request[side ?? 'local'].environment;
  const record = ctx.results('platform-trust').find((t) => t.environment === environment);
  if (!record) throw new MissingResult('platform-trust', 'deployment-trust');
  return record.trustRelationshipId;
}

/** preflight → (api-key ∥ proxy-ca) → keystore → register-remote → restart → verify → roles. */
export const CONNECT_API_KEY: Plan = {
  operation: 'connect',
  model: 'api_key',
  summary: 'connect with a cross-cluster API key (the API key model)',
  facts: 'preflight',
  gates: [],
  entries: [
    row('preflight', { facts: true, detail: preflightDetail, input: factsInput }),
    // Both gates are decided before either step runs: nothing is created until the group is approved.
    parallel(row('api-key'), row('proxy-ca')),
    row('keystore', { input: (ctx) => ({ ...ctx.stepInput, apiKey: one(ctx, 'api-key', 'keystore') }) }),
    row('register-remote'),
    // register-remote comes first: only `_remote/info.cluster_credentials` says whether the credential is loaded.
    row('restart'),
    row('verify'),
    row('roles'),
  ],
};

/** Connects recorded before trust-all existed replay without it (their preflight did not decide it). */
export const TRUST_ALL_PATCH = 'trust-all-step';

/** preflight → platform-trust (both environments) → deployment-trust (both deployments) → register-remote → verify → roles. */
export const CONNECT_CERTIFICATE: Plan = {
  operation: 'connect',
  model: 'certificate',
  summary: 'connect with TLS certificates and trust (the certificate model)',
  facts: 'preflight',
  gates: [],
  entries: [
    row('preflight', { facts: true, detail: preflightDetail, input: factsInput }),
    row('platform-trust'),
    // Applies only when the request trusts every deployment of the other environment (deploymentTrust: all).
    row('trust-all', {
      input: (ctx, side) => ({ ...ctx.stepInput, trustRelationshipId: relationshipIn(ctx, side) }),
      patch: TRUST_ALL_PATCH,
    }),
    row('deployment-trust', {
      input: (ctx, side) => ({ ...ctx.stepInput, trustRelationshipId: relationshipIn(ctx, side) }),
    }),
    row('register-remote'),
    row('verify'),
    row('roles'),
  ],
};

/** The connect plan of a security model. */
export function connectPlan(model: SecurityModel): Plan {
  return model === 'certificate' ? CONNECT_CERTIFICATE : CONNECT_API_KEY;
}

/**
 * update-access: the key updated in place behind the api-key gate (the rule of every access
 * change, domain/step-catalog.ts changeGates: preflight adds it when the access differs, as for a
 * connect), verified, the roles named created or updated under the same approval (their own gate
 * when the access already matches). A failure puts the key's previous access back and removes
 * roles this run created: the key keeps its id and secret throughout.
 */
export const UPDATE_ACCESS: Plan = {
  operation: 'update-access',
  model: 'api_key',
  summary: "change what the connection's key grants, in place",
  facts: 'inspect',
  gates: ['roles'],
  refuse: (f, id) =>
    f.existingKey
      ? undefined
      : `the connection ${id} is not in place (no remote settings, keystore credential and single live key): run crosslink connect to finish it, or crosslink disconnect to remove it`,
  decide: (f) => ({
    'api-key': f.existingKey?.matches
      ? [false, `key ${f.existingKey.keyId} already grants the requested access`]
      : [true, `key ${f.existingKey?.keyId ?? '?'} grants other access: updated in place`],
    verify: [true, ''],
    roles: f.changesRoles ? [true, ''] : [false, 'the request names no roles: they stay as they are'],
  }),
  entries: [row('api-key'), row('verify'), row('roles', { gate: { coveredBy: 'api-key' } })],
};

/** What rotate adds to the step input: the old key's credential as its run sealed it, for the undo to write back. */
export interface RotateExtra {
  previousCredential?: SealedSecret;
  noRestore: boolean;
}

/**
 * rotate: a new key beside the working one, the keystore credential replaced, reloaded (a gated
 * restart where the version needs one), verified, and only then the old key invalidated; a last
 * verify with the new key alone. Until the invalidation a failure writes the old credential back.
 */
export const ROTATE: Plan<RotateExtra> = {
  operation: 'rotate',
  model: 'api_key',
  summary: 'replace the connection’s key; the old one is invalidated only after the new one verified',
  facts: 'inspect',
  gates: ['restart'],
  refuse: (f, id) =>
    f.existingKey
      ? undefined
      : `the connection ${id} has no single working key to rotate (it is not in place, or a cut-short run left several live keys): run crosslink disconnect, then connect`,
  afterCommit: (failure) => ({
    type: FailureType.VerificationFailed,
    message: `the old key is invalidated and the connection does not verify with the new key alone (${failure}): the nodes may still hold the old credential. The new key is valid and in the keystore: restart the local deployment to load it`,
  }),
  decide: () => ({
    'api-key': [true, 'a new key beside the working one; the old key is invalidated only after verify'],
    keystore: [true, 'the credential replaced under the same alias'],
    restart: [true, 'reload; a restart (gated) where the version needs one'],
    verify: [true, ''],
  }),
  entries: [
    row<'rotate-key', RotateExtra>('rotate-key', {
      input: (ctx) => withCredential(ctx),
      keepOnUndo: (ctx) =>
        ctx.extra.noRestore && ctx.started('rotate-keystore')
          ? 'kept the new key: the keystore holds its credential and there is no old one to put back (no restore)'
          : undefined,
    }),
    row<'rotate-keystore', RotateExtra>('rotate-keystore', {
      input: (ctx) => ({ ...ctx.stepInput, apiKey: one(ctx, 'rotate-key', 'rotate-keystore') }),
      undoInput: (ctx, input) => ({
        ...withCredential(ctx),
        apiKey: input.apiKey,
        restart: ctx.started('rotate-reload', 'follow-up'),
      }),
    }),
    row('rotate-reload'),
    row('verify'),
    row<'invalidate-replaced-key', RotateExtra>('invalidate-replaced-key', {
      input: (ctx) => withCredential(ctx),
      commit: true,
      detail: (ctx, [invalidated]) =>
        `${one(ctx, 'rotate-key', 'invalidate-replaced-key').detail}; after verify: ${invalidated?.detail ?? ''}`,
    }),
    // With only the new key valid: a node that kept the old credential shows here.
    row('verify', { unlisted: true }),
  ],
};

function withCredential(ctx: PlanContext<RotateExtra>) {
  return {
    ...ctx.stepInput,
    ...(ctx.extra.previousCredential ? { previousCredential: ctx.extra.previousCredential } : {}),
  };
}

/** The rows whose undos a disconnect runs: the connect plan's rows that change something. */
export function reclaimRows(model: SecurityModel): RowId[] {
  return rowsOf(connectPlan(model)).filter((id) => rowOf(id).undo !== null);
}

/** The rows of a plan added after runs were recorded, by their `patch` (a disconnect undoes them under it too). */
function rowPatches(plan: Plan): Partial<Record<RowId, string>> {
  return Object.fromEntries(rowEntries(plan).flatMap((e) => (e.patch ? [[e.row, e.patch] as const] : [])));
}

/**
 * disconnect: the gate (removing `cluster.remote.<alias>` takes the link down), then the undos of
 * the connect steps newest first, with nothing counted as "there before": whatever made the
 * connection (a terminated run too). Shared trust goes only when nothing else needs it.
 */
export function disconnectPlan(model: SecurityModel): Plan {
  const undone = reclaimRows(model).map((id) => rowOf(id).step);
  return {
    operation: 'disconnect',
    model,
    summary: "remove the connection: the connect's undos, newest first, shared objects only when unused",
    facts: 'inspect',
    gates: ['register-remote'],
    decide: () => Object.fromEntries(undone.map((step) => [step, [true, ''] as const])),
    entries: [
      { kind: 'gate', step: 'register-remote' },
      { kind: 'reclaim', rows: reclaimRows(model), patches: rowPatches(connectPlan(model)) },
    ],
  };
}

/** The paused set of the pause row, once it succeeded (its undo resumes those; else what the inspection saw active). */
function pausedBy(ctx: PlanContext) {
  const [record] = ctx.results('pause-replication');
  return record ? { paused: record.paused } : {};
}

/**
 * The certificate trust's removal reads the facts as a disconnect does: the connection's own
 * trust additions are not "there before", and the shared objects' users decide (reclaim).
 */
function retireInput(ctx: PlanContext) {
  const input = ctx.stepInput;
  const retire = input.preflight.migration?.retire;
  if (!retire) throw new MissingResult('inspect', 'retire-certificate');
  return { ...input, preflight: { ...input.preflight, ...retire }, reclaim: true };
}

/**
 * migrate: a certificate connection moved to the API key model in place, Elastic's six stages
 * (docs/sources.md §14): the key and the proxy CA (prerequisites checked by the inspection); the
 * gated pause of what replicates through the alias; the keystore credential and the switch of the
 * same alias to the API key port, reloaded (a gated restart where the version needs one) and
 * verified; the local roles moved; exactly what was paused resumed; then, after its own gate and
 * with no rollback after it, the certificate trust only this connection used removed. Before that
 * gate is approved any failure or rejection puts the certificate connection back as it was.
 */
export const MIGRATE: Plan = {
  operation: 'migrate',
  model: 'api_key',
  summary:
    'move a certificate connection to the API key model in place: same alias, followers paused and resumed (never re-created), certificate trust removed last',
  facts: 'inspect',
  gates: ['api-key', 'pause-replication', 'restart', 'retire-certificate'],
  decide: (f) => (f.migration ? decideMigration(f.migration.connect, f.migration.facts) : {}),
  // The failure's own type (a Forbidden trust write stays Forbidden): nothing failed to undo.
  afterCommit: (failure, type) => ({
    type,
    message: `the connection uses the API key model and verified before the certificate trust was retired; after that gate: ${failure}. Nothing is rolled back: crosslink status lists what was removed and kept; remove what is left by hand, or check the connection (crosslink connections --refresh)`,
  }),
  entries: [
    // Nothing the certificate connection uses changes until the pause gate.
    parallel(row('api-key'), row('proxy-ca')),
    row('pause-replication', { undoInput: (ctx, input) => ({ ...input, ...pausedBy(ctx) }) }),
    // From the keystore write (8.14+ loads it at once) until the switch, the alias does not connect.
    row('migrate-keystore', {
      input: (ctx) => ({ ...ctx.stepInput, apiKey: one(ctx, 'api-key', 'migrate-keystore') }),
      undoInput: (ctx, input) => ({ ...input, restart: ctx.started('restart', 'follow-up') }),
    }),
    row('switch-remote'),
    row('restart'),
    row('verify'),
    row('migrate-roles'),
    row('resume-replication', {
      input: (ctx) => ({ ...ctx.stepInput, paused: one(ctx, 'pause-replication', 'resume-replication').paused }),
    }),
    { kind: 'gate', step: 'retire-certificate', commit: true },
    // trust.external first: a trust relationship is deleted only once no deployment references it.
    row('retire-certificate', { input: retireInput }),
    row('retire-platform-trust', { input: retireInput }),
    row('retire-remote-roles', { input: retireInput }),
    // Without the certificate trust: the API key connection still works.
    row('verify', { unlisted: true }),
  ],
};

/**
 * fan-out: the proxy-CA entries every pair needs in one deployment change, then each pair as its
 * own connect run (its own gates, status and rollback); the batch's entries go when a pair did not
 * connect and nothing else needs them.
 */
export const FAN_OUT: Plan<ProxyCaBatchInput> = {
  operation: 'fan-out',
  model: 'api_key',
  summary: 'one local deployment to many remotes: one proxy-CA change, then one connect run per pair',
  facts: 'none',
  gates: [],
  entries: [
    row<'proxy-ca-batch', ProxyCaBatchInput>('proxy-ca-batch', {
      input: (ctx) => ctx.extra,
      keepOnUndo: (ctx) =>
        ctx.results('proxy-ca-batch')[0]?.created.length === 0 ? 'the batch added no entry' : undefined,
    }),
    { kind: 'children', summary: 'each pair as its own connect run (connectRemoteCluster), in parallel' },
  ],
};

/**
 * apply: a plan of the desired state (domain/desired-plan.ts) checked against the estate at the
 * start (refused, saying what changed, when it no longer matches), then each action as the existing
 * operation's run under its connection id: a connection's actions in order, at most
 * `maxPerDeployment` runs at once on any deployment. Each run keeps its own gates and rollback.
 */
export const APPLY: Plan<ApplyRequest> = {
  operation: 'apply',
  summary:
    "a plan of the desired state: checked against the estate, then each action as the operation's own run, limited per deployment",
  facts: 'none',
  gates: [],
  entries: [
    row<'apply-check', ApplyRequest>('apply-check', { input: (ctx) => ctx.extra }),
    {
      kind: 'children',
      summary:
        "each action as the operation's run under its connection id (connectRemoteCluster, updateConnectionAccess, rotateConnection, disconnectConnection), a connection's in order, at most maxPerDeployment per deployment",
    },
  ],
};

/** Every plan, for docs/operations.md and the tests. */
export const PLANS: Readonly<Record<string, Plan<never>>> = {
  'connect (API key model)': CONNECT_API_KEY,
  'connect (certificate model)': CONNECT_CERTIFICATE,
  'update-access': UPDATE_ACCESS,
  rotate: ROTATE as Plan<never>,
  'disconnect (API key model)': disconnectPlan('api_key'),
  'disconnect (certificate model)': disconnectPlan('certificate'),
  migrate: MIGRATE,
  'fan-out': FAN_OUT as Plan<never>,
  apply: APPLY as Plan<never>,
};

/** The decisions of an operation on a connection that exists (its plan's steps), from what the inspection found. */
export function decidePlan(plan: Plan<never>, facts: OperationFacts): StepDecision[] {
  const decided = plan.decide?.(facts) ?? {};
  return stepsOf(plan).map((id) => ({ id, applies: decided[id]?.[0] ?? true, reason: decided[id]?.[1] ?? '' }));
}

/** The plan of an operation on a connection that exists (the inspection decides for it). */
export function lifecyclePlan(operation: Operation, model: SecurityModel): Plan<never> {
  switch (operation) {
    case 'update-access':
      return UPDATE_ACCESS;
    case 'rotate':
      return ROTATE as Plan<never>;
    case 'disconnect':
      return disconnectPlan(model);
    case 'migrate':
      return MIGRATE;
    default:
      return connectPlan(model);
  }
}

/** The plan a workflow type runs, for a connection of `model` (`crosslink status --format mermaid`). */
export function planOfWorkflow(workflowType: string, model: SecurityModel): Plan<never> | undefined {
  switch (workflowType) {
    case WORKFLOW_TYPES.connection:
      return connectPlan(model);
    case WORKFLOW_TYPES.updateAccess:
      return UPDATE_ACCESS;
    case WORKFLOW_TYPES.rotate:
      return ROTATE as Plan<never>;
    case WORKFLOW_TYPES.disconnect:
      return disconnectPlan(model);
    case WORKFLOW_TYPES.fanOut:
      return FAN_OUT as Plan<never>;
    case WORKFLOW_TYPES.migrate:
      return MIGRATE;
    case WORKFLOW_TYPES.apply:
      return APPLY as Plan<never>;
    default:
      return undefined;
  }
}

/** The row entries of a plan, in order (parallel groups flattened). */
export function rowEntries<Extra>(plan: Plan<Extra>): RowEntry<RowId, Extra>[] {
  return plan.entries.flatMap((e) => (e.kind === 'row' ? [e] : e.kind === 'parallel' ? [...e.rows] : []));
}

/** The rows a plan runs, in order (each once). */
export function rowsOf(plan: Plan<never>): RowId[] {
  return [...new Set(rowEntries(plan).map((e) => e.row))];
}

/** The progress rows a plan shows: its steps in the documented order (the inspection shows as preflight). */
export function stepsOf(plan: Plan<never>): StepId[] {
  const used = new Set<StepId>([
    ...(plan.facts === 'inspect' ? (['preflight'] as StepId[]) : []),
    ...rowEntries(plan)
      .filter((e) => !e.unlisted)
      .map((e) => rowOf(e.row).step),
    ...plan.entries.flatMap((e) =>
      e.kind === 'gate' ? [e.step] : e.kind === 'reclaim' ? e.rows.map((r) => rowOf(r).step) : [],
    ),
  ]);
  return STEP_IDS.filter((id) => used.has(id));
}

/** The activities a plan schedules when every step applies and nothing fails, in order (tests, docs). */
export function activitiesOf(plan: Plan<never>, model: SecurityModel = plan.model ?? 'api_key'): string[] {
  return plan.entries.flatMap((e) => {
    const calls = (entry: RowEntry<RowId, never>) => {
      const r = rowOf(entry.row);
      const sides = r.sides ? (r.sides[model] ?? []) : [undefined];
      return sides.map(() => r.activity.name);
    };
    if (e.kind === 'row') return calls(e);
    if (e.kind === 'parallel') return e.rows.flatMap(calls);
    if (e.kind === 'reclaim')
      return [...e.rows].reverse().flatMap((id) => {
        const r = rowOf(id);
        const sides = r.sides ? (r.sides[model] ?? []) : [undefined];
        return sides.map(() => r.undo!.name);
      });
    return [];
  });
}

/** The steps of the catalog a plan's decisions cover, so a row without a step of its own is an error here. */
export function assertPlanSteps(plan: Plan<never>): void {
  for (const e of rowEntries(plan)) {
    if (!(e.row in STEP_CATALOG)) throw new Error(`plan ${plan.operation}: no catalog row ${e.row}`);
  }
}

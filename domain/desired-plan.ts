/**
 * The plan of a desired state against the observed estate: per connection, what `crosslink apply`
 * would do (create, update access, rotate, migrate model, disconnect) or why nothing (unchanged,
 * blocked, not declared). A pure function of the desired state, the inventory (the inventory
 * workflow's or a fresh discovery) and the time, so the CLI, the apply's check and the scheduled
 * reconcile (workflow code) compute the same plan. Each entry carries the fingerprint of what it was
 * planned from (`observed`): an apply compares it with the estate at its start and refuses a plan the
 * estate no longer matches, saying what changed.
 */
import { z } from 'zod';
import { stringify } from 'safe-stable-stringify';
import { accessMatches, normalizeAccess } from './access';
import { ConnectionRequest, connectionId } from './connection-request';
import { type DesiredState, declaredRequests, inScope } from './desired-state';
import { Duration, durationToMs } from './ids';
import { type ConnectionInventory, type ManagedConnection } from './inventory';
import { DisconnectRequest, MigrateRequest, UpdateAccessRequest } from './lifecycle-request';
import { GateChange } from './changes';
import { SecurityModel } from './step-catalog';
import { lazySchema } from './lazy-schema';

/** The file format of a saved plan. */
export const PLAN_FORMAT = 'crosslink-plan/1';

/** What an apply can start, each as the existing operation's workflow under the connection id. */
export const ActionKind = lazySchema(() =>
  z.enum(['create', 'update-access', 'rotate', 'migrate-model', 'disconnect']),
);
export type ActionKind = z.infer<typeof ActionKind>;

/**
 * The facts of one connection a plan depends on (what apply compares): its class, model, remote,
 * live keys (id, access, dates), whether it is registered and holds its credential, its roles, and
 * the run on it. Health is left out: it moves by itself and changes nothing a plan does.
 */
export const ObservedConnection = lazySchema(() =>
  z.object({
    class: z.enum(['connection', 'in-progress', 'leftover']),
    model: SecurityModel,
    remote: z.object({ environment: z.string(), deploymentId: z.string() }).optional(),
    registered: z.boolean(),
    keystoreCredentials: z.boolean().optional(),
    keys: z.array(
      z.object({
        id: z.string(),
        access: z.unknown().optional(),
        createdAt: z.string().optional(),
        expiresAt: z.string().optional(),
      }),
    ),
    roles: z.array(z.string()),
    run: z.object({ runId: z.string(), operation: z.string().optional(), status: z.string() }).optional(),
  }),
);
export type ObservedConnection = z.infer<typeof ObservedConnection>;

/** One field an action modifies: before -> after (values as the systems hold them; never a secret). */
export const PlannedChange = lazySchema(() =>
  z.object({
    field: z.string(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  }),
);
export type PlannedChange = z.infer<typeof PlannedChange>;

/** rotate: the request less the sealed credential, which the apply finds where the worker can read it. */
export const PlannedRotation = lazySchema(() =>
  z
    .object({
      local: z.object({ environment: z.string(), deploymentId: z.string() }).strict(),
      alias: z.string(),
      expiration: z.string().optional(),
      requestedBy: z.string(),
      deadline: Duration,
    })
    .strict(),
);
export type PlannedRotation = z.infer<typeof PlannedRotation>;

/** migrate-model: from one security model to the other (migrateRequestOf makes the migrate operation's request). */
export const PlannedMigration = lazySchema(() =>
  z.object({ connectionId: z.string(), from: SecurityModel, to: SecurityModel, request: ConnectionRequest }).strict(),
);
export type PlannedMigration = z.infer<typeof PlannedMigration>;

/**
 * The migrate operation's request for a planned model change, as its requester asks for it; only a
 * certificate connection moves to the API key model (the migrate operation has no way back).
 */
export function migrateRequestOf(
  planned: PlannedMigration,
  requestedBy: string,
): { request: MigrateRequest } | { refusal: string } {
  const { connectionId: id, from, to, request } = planned;
  if (from !== 'certificate' || to !== 'api_key' || !request.access) {
    return {
      refusal: `crosslink migrates certificate connections to the API key model only: moving ${id} from ${from} to ${to} is not applied (disconnect it and connect it with the declared model)`,
    };
  }
  return {
    request: MigrateRequest.parse({
      local: request.local,
      alias: request.alias,
      access: request.access,
      // Declared roles become the local roles; none declared: migrate copies the remote roles' indices.
      ...(request.roles.length > 0 ? { roles: request.roles } : {}),
      ...(request.apiKeyExpiration ? { expiration: request.apiKeyExpiration } : {}),
      allowBetaApiKeyModel: request.allowBetaApiKeyModel,
      requestedBy,
      deadline: request.approval.deadline,
      verifyTimeout: request.verifyTimeout,
    }),
  };
}

/** One operation an apply starts: its kind, why, the request of its workflow, what it modifies. */
export const PlannedAction = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('create'), reason: z.string(), request: ConnectionRequest }),
    z.object({ kind: z.literal('update-access'), reason: z.string(), request: UpdateAccessRequest }),
    z.object({ kind: z.literal('rotate'), reason: z.string(), request: PlannedRotation }),
    z.object({ kind: z.literal('migrate-model'), reason: z.string(), request: PlannedMigration }),
    z.object({ kind: z.literal('disconnect'), reason: z.string(), request: DisconnectRequest }),
  ]),
);
type PlannedActionBase = z.infer<typeof PlannedAction>;
export type PlannedAction = PlannedActionBase & {
  /** before -> after of what the action modifies. */
  changes: PlannedChange[];
  /** What each gate of the action's run would approve (worker-side reads; absent when not described). */
  gates?: GateChange[];
  /** Why the gates could not be described (no worker answered, a read failed). */
  gatesNote?: string;
};
export const PlannedActionWithChanges: z.ZodType<PlannedAction> = lazySchema(
  () =>
    PlannedAction.and(
      z.object({
        changes: z.array(PlannedChange),
        gates: z.array(GateChange).optional(),
        gatesNote: z.string().optional(),
      }),
    ) as z.ZodType<PlannedAction>,
);

/**
 * Per connection: `change` (its actions run in order, under its connection id), `unchanged`,
 * `blocked` (it differs, but no action can change it now: the note says why and what to do), or
 * `undeclared` (crosslink manages it, the file does not declare it: kept without --prune).
 */
export const EntryStatus = lazySchema(() => z.enum(['change', 'unchanged', 'blocked', 'undeclared']));
export type EntryStatus = z.infer<typeof EntryStatus>;

export const DesiredPlanEntry = lazySchema(() =>
  z.object({
    connectionId: z.string(),
    local: z.object({ environment: z.string(), deploymentId: z.string() }),
    remote: z.object({ environment: z.string(), deploymentId: z.string() }).optional(),
    alias: z.string(),
    model: SecurityModel,
    status: EntryStatus,
    actions: z.array(PlannedActionWithChanges),
    note: z.string().optional(),
    /** What the plan was made from; null: nothing of the connection exists (residue counts as nothing). */
    observed: ObservedConnection.nullable(),
  }),
);
export type DesiredPlanEntry = z.infer<typeof DesiredPlanEntry>;

export const PlanCounts = lazySchema(() =>
  z.object({
    create: z.number().int(),
    'update-access': z.number().int(),
    rotate: z.number().int(),
    'migrate-model': z.number().int(),
    disconnect: z.number().int(),
    unchanged: z.number().int(),
    blocked: z.number().int(),
    undeclared: z.number().int(),
  }),
);
export type PlanCounts = z.infer<typeof PlanCounts>;

/** A plan, as `crosslink plan --out` saves it and `crosslink apply <plan>` reads it. */
export const DesiredPlan = lazySchema(() =>
  z.object({
    format: z.literal(PLAN_FORMAT),
    /** sha256 (base64url, 22 characters) of the rest: the apply's workflow id is made from it. */
    id: z.string().min(8).max(64),
    source: z.string(),
    plannedAt: z.string(),
    discoveredAt: z.string(),
    prune: z.boolean(),
    requestedBy: z.string(),
    entries: z.array(DesiredPlanEntry),
    counts: PlanCounts,
  }),
);
export type DesiredPlan = z.infer<typeof DesiredPlan>;
/** A plan before its id is set (the id is a digest: computed where Node's crypto is, client/plan-id.ts). */
export type DesiredPlanBody = Omit<DesiredPlan, 'id'>;

export interface PlanOptions {
  /** Disconnect managed connections in scope that the file does not declare. */
  prune: boolean;
  /** Epoch ms: key ages are measured against it. */
  now: number;
  /** The requester the plan's requests carry (the apply's requester replaces it). */
  requestedBy: string;
  /** Where the desired state came from (`connections.yaml`, `git:<url>@<ref>:<path>`). */
  source: string;
}

/** The facts of a discovered connection a plan depends on; null when nothing of it exists. */
export function observedOf(c: ManagedConnection | undefined): ObservedConnection | null {
  const cls = c?.class ?? 'connection';
  if (!c || cls === 'residue') return null;
  return {
    class: cls,
    model: c.model,
    ...(c.remote ? { remote: { environment: c.remote.environment, deploymentId: c.remote.deploymentId } } : {}),
    registered: c.settings !== undefined,
    ...(c.keystoreCredentials !== undefined ? { keystoreCredentials: c.keystoreCredentials } : {}),
    keys: c.keys
      .filter((k) => k.active)
      .map((k) => ({
        id: k.id,
        ...(k.access !== undefined ? { access: k.access } : {}),
        ...(k.createdAt ? { createdAt: k.createdAt } : {}),
        ...(k.expiresAt ? { expiresAt: k.expiresAt } : {}),
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    roles: [...new Set(c.roles.map((r) => `${r.deploymentId}/${r.name}`))].sort(),
    ...(c.run ? { run: { runId: c.run.runId, operation: c.run.operation, status: c.run.status } } : {}),
  };
}

/** The inventory's connections by id (the live one first when residue shares the id). */
function byId(inventory: ConnectionInventory): Map<string, ManagedConnection> {
  const out = new Map<string, ManagedConnection>();
  for (const c of inventory.connections) {
    const held = out.get(c.connectionId);
    if (!held || (held.class ?? 'connection') === 'residue') out.set(c.connectionId, c);
  }
  return out;
}

/** Every field whose value differs between two JSON values, as before -> after (paths like `search[0].names`). */
export function valueChanges(before: unknown, after: unknown, path = ''): PlannedChange[] {
  if (stringify(before) === stringify(after)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    return [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .sort()
      .flatMap((k) => valueChanges(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((b, i) => valueChanges(b, after[i], `${path}[${i}]`));
  }
  return [
    {
      field: path || '(value)',
      ...(before !== undefined ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
    },
  ];
}

function keyAgeMs(key: { createdAt?: string }, now: number): number | undefined {
  const created = key.createdAt ? Date.parse(key.createdAt) : NaN;
  return Number.isFinite(created) ? now - created : undefined;
}

function days(ms: number): string {
  return `${Math.floor(ms / 86_400_000)}d`;
}

const localRef = (r: ConnectionRequest) => ({ environment: r.local.environment, deploymentId: r.local.deploymentId });

/** What a declared connection that exists needs: the actions, or why none can run. */
function plannedFor(
  request: ConnectionRequest,
  declaredKey: { rotateAfter?: string | undefined } | undefined,
  c: ManagedConnection,
  observed: ObservedConnection,
  options: PlanOptions,
): Pick<DesiredPlanEntry, 'status' | 'actions' | 'note'> {
  const id = connectionId(request);
  if (observed.class === 'in-progress') {
    const run = observed.run;
    return {
      status: 'blocked',
      actions: [],
      note: `a run is changing it now (${run?.operation ?? 'run'} ${run?.runId ?? ''}): plan again once it ended (crosslink status ${id})`,
    };
  }
  if (observed.class === 'leftover') {
    return {
      status: 'blocked',
      actions: [],
      note: `a run ended without undoing what it created; clean it up first: ${c.leftover?.cleanup ?? `crosslink disconnect ${id.split('.').slice(1).join(' ')} --as <you>`}`,
    };
  }
  const remote = observed.remote;
  if (
    remote &&
    (remote.environment !== request.remote.environment || remote.deploymentId !== request.remote.deploymentId)
  ) {
    return {
      status: 'blocked',
      actions: [],
      note: `alias ${request.alias} connects to ${remote.environment}/${remote.deploymentId}, not the declared ${request.remote.environment}/${request.remote.deploymentId}: disconnect it first (declare nothing under this alias and plan with --prune), then declare it again`,
    };
  }
  if (observed.model !== request.securityModel) {
    return {
      status: 'change',
      actions: [
        {
          kind: 'migrate-model',
          reason: `the connection uses the ${observed.model} model; the file declares ${request.securityModel}`,
          request: { connectionId: id, from: observed.model, to: request.securityModel, request },
          changes: [{ field: 'model', before: observed.model, after: request.securityModel }],
        },
      ],
    };
  }
  if (request.securityModel === 'certificate') return { status: 'unchanged', actions: [] };
  return apiKeyActions(request, declaredKey, observed, options);
}

/** API key model: connect again when the key or credential is gone, update access, rotate an old key. */
function apiKeyActions(
  request: ConnectionRequest,
  declaredKey: { rotateAfter?: string | undefined } | undefined,
  observed: ObservedConnection,
  options: PlanOptions,
): Pick<DesiredPlanEntry, 'status' | 'actions' | 'note'> {
  const keys = observed.keys;
  if (keys.length > 1) {
    return {
      status: 'blocked',
      actions: [],
      note: `${keys.length} live keys carry its mark (${keys.map((k) => k.id).join(', ')}): one is expected; disconnect it and apply again`,
    };
  }
  const missing = [
    ...(keys.length === 0 ? ['no live cross-cluster API key'] : []),
    ...(!observed.registered ? [`no cluster.remote.${request.alias} settings`] : []),
    ...(observed.keystoreCredentials === false ? ['no keystore credential'] : []),
  ];
  if (missing.length > 0) {
    return {
      status: 'change',
      actions: [
        {
          kind: 'create',
          reason: `the connection is declared and partly there (${missing.join(', ')}): connect again converges on what exists`,
          request,
          changes: missing.map((m) => ({ field: 'connection', before: m, after: 'in place' })),
        },
      ],
    };
  }
  const key = keys[0]!;
  const actions: PlannedAction[] = [];
  const roleNames = new Set(observed.roles.map((r) => r.split('/')[1]));
  const missingRoles = request.roles.filter((r) => !roleNames.has(r.name));
  const accessDiffers = key.access !== undefined && !accessMatches(key.access, request.access);
  if (accessDiffers || missingRoles.length > 0) {
    const update = UpdateAccessRequest.parse({
      local: localRef(request),
      alias: request.alias,
      access: request.access,
      ...(missingRoles.length > 0 ? { roles: request.roles } : {}),
      reason: `declared in ${options.source}`,
      requestedBy: options.requestedBy,
      deadline: request.approval.deadline,
      verifyTimeout: request.verifyTimeout,
    });
    actions.push({
      kind: 'update-access',
      reason: accessDiffers
        ? `key ${key.id} grants other access than declared`
        : `roles ${missingRoles.map((r) => r.name).join(', ')} are missing`,
      request: update,
      changes: [
        ...(accessDiffers ? valueChanges(normalizeAccess(key.access), normalizeAccess(request.access), 'access') : []),
        ...missingRoles.map((r) => ({ field: `roles.${r.name}`, after: 'created on the local deployment' })),
      ],
    });
  }
  const rotateAfter = declaredKey?.rotateAfter;
  const age = keyAgeMs(key, options.now);
  if (rotateAfter && age !== undefined && age >= durationToMs(rotateAfter)) {
    actions.push({
      kind: 'rotate',
      reason: `key ${key.id} is ${days(age)} old, older than rotateAfter ${rotateAfter}`,
      request: {
        local: localRef(request),
        alias: request.alias,
        ...(request.apiKeyExpiration ? { expiration: request.apiKeyExpiration } : {}),
        requestedBy: options.requestedBy,
        deadline: request.approval.deadline,
      },
      changes: [
        {
          field: 'key',
          before: `${key.id} (created ${key.createdAt ?? '?'})`,
          after: 'a new key; the old one invalidated',
        },
      ],
    });
  }
  return actions.length > 0 ? { status: 'change', actions } : { status: 'unchanged', actions: [] };
}

function entryOf(
  request: ConnectionRequest,
  c: ManagedConnection | undefined,
): Pick<DesiredPlanEntry, 'connectionId' | 'local' | 'remote' | 'alias' | 'model'> {
  return {
    connectionId: connectionId(request),
    local: localRef(request),
    remote: { environment: request.remote.environment, deploymentId: request.remote.deploymentId },
    alias: request.alias,
    model: c?.model ?? request.securityModel,
  };
}

/** A managed connection the file does not declare: disconnected with --prune (when nothing holds it). */
function undeclaredEntry(c: ManagedConnection, observed: ObservedConnection, options: PlanOptions): DesiredPlanEntry {
  const base = {
    connectionId: c.connectionId,
    local: { environment: c.local.environment, deploymentId: c.local.deploymentId },
    ...(c.remote ? { remote: { environment: c.remote.environment, deploymentId: c.remote.deploymentId } } : {}),
    alias: c.alias,
    model: c.model,
    observed,
  };
  if (!options.prune) {
    return {
      ...base,
      status: 'undeclared',
      actions: [],
      note: `not declared in ${options.source}: kept (--prune disconnects it)`,
    };
  }
  if (observed.class === 'in-progress') {
    return {
      ...base,
      status: 'blocked',
      actions: [],
      note: `not declared, but a run is changing it now (${observed.run?.operation ?? 'run'} ${observed.run?.runId ?? ''}): plan again once it ended`,
    };
  }
  return {
    ...base,
    status: 'change',
    actions: [
      {
        kind: 'disconnect',
        reason:
          observed.class === 'leftover'
            ? 'not declared: the leftover of an ended run is removed'
            : `not declared in ${options.source}`,
        request: DisconnectRequest.parse({
          connectionId: c.connectionId,
          reason: `not declared in ${options.source} (crosslink apply --prune)`.slice(0, 1000),
          requestedBy: options.requestedBy,
        }),
        changes: [
          {
            field: 'connection',
            before: `${c.alias} -> ${c.remote?.deploymentId ?? '?'} (${c.model})`,
            after: 'removed',
          },
        ],
      },
    ],
  };
}

function countsOf(entries: readonly DesiredPlanEntry[]): PlanCounts {
  const counts: PlanCounts = {
    create: 0,
    'update-access': 0,
    rotate: 0,
    'migrate-model': 0,
    disconnect: 0,
    unchanged: 0,
    blocked: 0,
    undeclared: 0,
  };
  for (const e of entries) {
    if (e.status !== 'change') counts[e.status] += 1;
    for (const a of e.actions) counts[a.kind] += 1;
  }
  return counts;
}

/**
 * The plan: one entry per declared connection (in the file's order), then one per managed
 * connection in scope the file does not declare. Residue is nothing; an inventory that could not
 * read everything is refused by the caller (planRefusal), not planned from.
 */
export function planDesiredState(
  desired: DesiredState,
  inventory: ConnectionInventory,
  options: PlanOptions,
): DesiredPlanBody {
  const found = byId(inventory);
  const requests = declaredRequests(desired, options.requestedBy);
  const declaredKeys = new Map(desired.connections.map((c) => [connectionId(c), c.key]));
  const entries: DesiredPlanEntry[] = [];
  for (const [id, request] of requests) {
    const c = found.get(id);
    const observed = observedOf(c);
    if (!c || !observed) {
      entries.push({
        ...entryOf(request, c),
        status: 'change',
        actions: [
          {
            kind: 'create',
            reason: 'declared, and not there',
            request,
            changes: [
              {
                field: 'connection',
                after: `${request.alias} -> ${request.remote.environment}/${request.remote.deploymentId} (${request.securityModel})`,
              },
            ],
          },
        ],
        observed: null,
      });
      continue;
    }
    entries.push({
      ...entryOf(request, c),
      ...plannedFor(request, declaredKeys.get(id), c, observed, options),
      observed,
    });
  }
  for (const [id, c] of found) {
    const observed = observedOf(c);
    if (requests.has(id) || !observed || !inScope(desired.scope, c.local)) continue;
    entries.push(undeclaredEntry(c, observed, options));
  }
  return {
    format: PLAN_FORMAT,
    source: options.source,
    plannedAt: new Date(options.now).toISOString(),
    discoveredAt: inventory.discoveredAt,
    prune: options.prune,
    requestedBy: options.requestedBy,
    entries,
    counts: countsOf(entries),
  };
}

/** Why an inventory cannot be planned from (a read failed, or it was cut short), or undefined. */
export function planRefusal(inventory: ConnectionInventory): string | undefined {
  if (inventory.truncated) {
    return 'the inventory was cut short (too many connections): a plan from it could disconnect or re-create what it did not list';
  }
  if (inventory.errors.length > 0) {
    const where = inventory.errors
      .map((e) => `${e.environment}${e.deploymentId ? `/${e.deploymentId}` : ''}: ${e.message}`)
      .join('; ');
    return `the inventory could not read everything (${where}): a plan from it could re-create or disconnect what it missed`;
  }
  return undefined;
}

/** At most this many actions per description request (one activity result holds their descriptions). */
export const MAX_DESCRIBED_ACTIONS = 20;

/** Which actions to describe: each as the plan holds it (the request of its run). */
export const DescribePlanInput = lazySchema(() =>
  z
    .object({
      actions: z
        .array(z.object({ connectionId: z.string().min(1), kind: ActionKind, request: z.unknown() }).strict())
        .max(MAX_DESCRIBED_ACTIONS),
    })
    .strict(),
);
export type DescribePlanInput = z.infer<typeof DescribePlanInput>;

/** What each gate of an action's run would approve; or why it cannot be said (the run would be refused). */
export interface DescribedAction {
  connectionId: string;
  kind?: ActionKind;
  gates?: GateChange[];
  note?: string;
}

/** Whether the plan changes anything: an action to run, or a difference no action can make (blocked). */
export function planHasChanges(plan: Pick<DesiredPlan, 'entries'>): boolean {
  return plan.entries.some((e) => e.status === 'change' || e.status === 'blocked');
}

/** The actions of a plan, per connection, in order. */
export function planActions(
  plan: Pick<DesiredPlan, 'entries'>,
): Array<{ entry: DesiredPlanEntry; actions: PlannedAction[] }> {
  return plan.entries.filter((e) => e.actions.length > 0).map((entry) => ({ entry, actions: entry.actions }));
}

/** One connection whose observed facts differ from those the plan was made from. */
export interface EstateChange {
  connectionId: string;
  changes: PlannedChange[];
}

/**
 * What changed since the plan, per connection the plan has an entry for: its facts now against
 * those it was planned from (`now`: the connection ids' facts, null when absent).
 */
export function estateChanges(plan: Pick<DesiredPlan, 'entries'>, now: ConnectionInventory): EstateChange[] {
  const found = byId(now);
  return plan.entries.flatMap((e) => {
    const current = observedOf(found.get(e.connectionId));
    const changes = valueChanges(e.observed, current);
    return changes.length > 0 ? [{ connectionId: e.connectionId, changes }] : [];
  });
}

/** What changed since a plan, for people: per connection, each field as planned and as it is now. */
export function estateChangesText(changes: readonly EstateChange[]): string {
  const shown = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  return [
    'the estate changed since the plan was made; nothing was started. Plan again (crosslink plan) and apply the new plan:',
    ...changes.flatMap((c) => [
      `  ${c.connectionId}:`,
      ...c.changes.slice(0, 10).map((d) => `    ${d.field}: ${shown(d.before)} when planned, ${shown(d.after)} now`),
    ]),
  ].join('\n');
}

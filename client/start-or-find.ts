/**
 * The one way crosslink clients (the CLI, the intake, the local run) start a workflow under a
 * business id: a connection's operations (connect, update-access, rotate, disconnect, migrate) under the
 * connection id, a fan-out under its fan-out id. The start uses the FAIL conflict policy, so the
 * server says "already started" while a run is open (a closed run is replaced by a new one); the
 * open run is then described and its request compared with this one:
 *
 * - the same operation with the same request is a harmless duplicate (`already-running`);
 * - another operation, or the same one with a different request, is a `conflict` that names the
 *   run holding the id and what differs.
 *
 * Each start records in the run's memo (START_MEMO_KEY) the operation, a digest of the normalized
 * request and, for an event, the event id and digest. The intake checks that record before a start,
 * on the id's latest run (describe: consistent) and on the runs started within its replay window
 * (visibility), so a replayed event is refused by every intake replica, also after a restart.
 */
import {
  type Client,
  type WorkflowExecutionDescription,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  isGrpcServiceError,
} from '@temporalio/client';
import { type Payload, type SearchAttributePair, defaultPayloadConverter } from '@temporalio/common';
import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import {
  type ApplyRequest,
  type ConnectionRequest,
  type DisconnectRequest,
  type FanOutRequest,
  type MigrateRequest,
  type RotateRequest,
  type UpdateAccessRequest,
  OPERATION_KEY,
  SEARCH_ATTRIBUTE_KEYS,
  TASK_QUEUE,
  WORKFLOW_TYPES,
  applyId,
  connectionId,
  fanOutId,
} from '../domain';
import { connectionStartMetadata } from './connection-metadata';
import { SearchAttributesMissingError } from './search-attributes';

/** What a client asks to start, by operation. */
export type StartRequest =
  | { operation: 'connect'; request: ConnectionRequest }
  | { operation: 'update-access'; request: UpdateAccessRequest }
  | { operation: 'rotate'; request: RotateRequest }
  | { operation: 'disconnect'; request: DisconnectRequest }
  | { operation: 'migrate'; request: MigrateRequest }
  | { operation: 'fan-out'; request: FanOutRequest }
  | { operation: 'apply'; request: ApplyRequest };

export type StartOperation = StartRequest['operation'];

/** The lifecycle operations on a connection that exists (they run under its connection id). */
export type LifecycleStart = Extract<
  StartRequest,
  { operation: 'update-access' | 'rotate' | 'disconnect' | 'migrate' }
>;

/** The event a start comes from (the intake): its CloudEvent id and the digest of its content. */
export interface EventMark {
  id: string;
  digest: string;
}

/** The memo key of the start record, and its shape. */
export const START_MEMO_KEY = 'crosslinkStart';
export interface StartRecord {
  operation: StartOperation;
  /** sha256 (base64url) of the request as canonical JSON: equal requests have equal digests. */
  requestDigest: string;
  event?: EventMark;
}

/** One field that differs between the running run's request and this one (values as JSON text). */
export interface RequestDifference {
  field: string;
  running: string;
  requested: string;
}

export interface HeldBy {
  runId: string;
  /** The operation of the run holding the id (the workflow type, when it is none of crosslink's). */
  operation: string;
  requestedBy?: string;
  startTime?: string;
}

export type StartOutcome =
  | { status: 'started'; workflowId: string; runId: string; operation: StartOperation }
  /** The same request is running: nothing new was started. */
  | { status: 'already-running'; workflowId: string; runId: string; operation: StartOperation }
  /** This event (same id, same content) already started `runId`: nothing new was started. */
  | { status: 'duplicate-event'; workflowId: string; runId: string; operation: StartOperation }
  /** This event id already started `runId` with other content. */
  | { status: 'event-id-reused'; workflowId: string; runId: string; operation: StartOperation; message: string }
  /** Another operation, or a different request, holds the id: refused. */
  | {
      status: 'conflict';
      workflowId: string;
      operation: StartOperation;
      heldBy: HeldBy;
      differences: RequestDifference[];
      message: string;
    };

export type StartedOrSame = Extract<StartOutcome, { status: 'started' | 'already-running' }>;

/** The outcome when the run started or the same request runs; otherwise throws with the refusal (scripts, tests). */
export function startedOrThrow(outcome: StartOutcome): StartedOrSame {
  if (outcome.status === 'started' || outcome.status === 'already-running') return outcome;
  throw new Error('message' in outcome ? outcome.message : `${outcome.workflowId}: ${outcome.status}`);
}

export interface StartOptions {
  taskQueue?: string;
  /** The event this start comes from; the intake passes it, the CLI does not. */
  event?: EventMark;
  /** How far back the runs of the id are searched for the event (the intake's replay window). */
  eventLookbackSeconds?: number;
  now?: () => Date;
}

const WORKFLOW_OF: Record<StartOperation, string> = {
  connect: WORKFLOW_TYPES.connection,
  'update-access': WORKFLOW_TYPES.updateAccess,
  rotate: WORKFLOW_TYPES.rotate,
  disconnect: WORKFLOW_TYPES.disconnect,
  migrate: WORKFLOW_TYPES.migrate,
  'fan-out': WORKFLOW_TYPES.fanOut,
  apply: WORKFLOW_TYPES.apply,
};
const OPERATION_OF: Record<string, StartOperation> = Object.fromEntries(
  Object.entries(WORKFLOW_OF).map(([operation, type]) => [type, operation as StartOperation]),
);

/** Fields whose values are never shown in a difference (sealed credentials). */
const UNSHOWN_FIELDS = new Set(['previousCredential']);
const MAX_DIFFERENCES = 10;
/** A closed run can replace the one that answered "already started" before it is described; try again this often. */
const START_ATTEMPTS = 3;
export const DEFAULT_EVENT_LOOKBACK_SECONDS = 3600;

/** The workflow id an operation runs under: the connection id, or the fan-out id. */
export function startWorkflowId(start: StartRequest): string {
  switch (start.operation) {
    case 'fan-out':
      return fanOutId(start.request);
    case 'apply':
      return applyId(start.request.plan.id);
    case 'disconnect':
      return start.request.connectionId;
    default:
      return connectionId(start.request);
  }
}

/** Digest of a request as canonical JSON (keys sorted): what the start record and the comparison use. */
export function requestDigest(request: unknown): string {
  return createHash('sha256')
    .update(stringify(request) ?? 'null')
    .digest('base64url');
}

/**
 * The search attributes a connect run starts with (what the workflow upserts first). Passing them
 * at start makes the server refuse the start, loudly, in a namespace where they are not registered.
 */
export function initialSearchAttributes(request: ConnectionRequest): SearchAttributePair[] {
  const k = SEARCH_ATTRIBUTE_KEYS;
  return [
    { key: k.state, value: 'running' },
    { key: k.step, value: 'preflight' },
    { key: k.localDeployment, value: request.local.deploymentId },
    { key: k.remoteDeployment, value: request.remote.deploymentId },
    { key: k.alias, value: request.alias },
    { key: OPERATION_KEY, value: 'connect' },
  ];
}

/** Start options that depend on the operation: search attributes and what the Web UI shows. */
function operationStartOptions(start: StartRequest): {
  typedSearchAttributes?: SearchAttributePair[];
  staticSummary?: string;
  staticDetails?: string;
} {
  switch (start.operation) {
    case 'connect':
      return {
        typedSearchAttributes: initialSearchAttributes(start.request),
        ...connectionStartMetadata(start.request),
      };
    case 'fan-out': {
      const r = start.request;
      return {
        staticSummary: `fan-out ${r.local.environment}/${r.local.deploymentId} -> ${r.remotes.length} remotes (${r.securityModel}), requested by ${r.requestedBy}`,
      };
    }
    case 'apply': {
      const { plan, requestedBy } = start.request;
      const actions = plan.entries.reduce((n, e) => n + e.actions.length, 0);
      return {
        typedSearchAttributes: [{ key: OPERATION_KEY, value: 'apply' }],
        staticSummary: `apply plan ${plan.id} of ${plan.source}: ${actions} action(s), requested by ${requestedBy}`,
      };
    }
    default: {
      // update-access, rotate, migrate, disconnect: an existing connection, named as the CLI names it.
      const r = start.request;
      const which = 'alias' in r ? `${r.alias} on ${r.local.environment}/${r.local.deploymentId}` : r.connectionId;
      return {
        typedSearchAttributes: [{ key: OPERATION_KEY, value: start.operation }],
        staticSummary: `${start.operation} ${which}, requested by ${r.requestedBy}`,
      };
    }
  }
}

/** How a start is made: what `startOrFind` sends, and what an apply gives each run it starts as a child. */
export interface StartSpec {
  workflowType: string;
  workflowId: string;
  request: unknown;
  memo: { [START_MEMO_KEY]: StartRecord };
  typedSearchAttributes?: SearchAttributePair[];
  staticSummary?: string;
  staticDetails?: string;
}

/** The start of an operation: its workflow type and id, the start record (the request's digest), search attributes, Web UI text. */
export function startSpec(start: StartRequest, event?: EventMark): StartSpec {
  const record: StartRecord = {
    operation: start.operation,
    requestDigest: requestDigest(start.request),
    ...(event ? { event } : {}),
  };
  return {
    workflowType: WORKFLOW_OF[start.operation],
    workflowId: startWorkflowId(start),
    request: start.request,
    memo: { [START_MEMO_KEY]: record },
    ...operationStartOptions(start),
  };
}

/**
 * Starts the operation, or says what holds its id: the same request running (`already-running`),
 * this event already processed (`duplicate-event`, `event-id-reused`), or a `conflict`.
 */
export async function startOrFind(
  client: Client,
  start: StartRequest,
  options: StartOptions = {},
): Promise<StartOutcome> {
  const spec = startSpec(start, options.event);
  const { workflowId } = spec;
  const record = spec.memo[START_MEMO_KEY];
  if (options.event) {
    const earlier = await findEventRun(client, workflowId, options.event, options);
    if (earlier) return eventOutcome(start, workflowId, earlier.runId, earlier.event, options.event);
  }
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      const { workflowType, request, memo, ...metadata } = spec;
      const handle = await client.workflow.start(workflowType, {
        taskQueue: options.taskQueue ?? TASK_QUEUE,
        args: [request],
        workflowIdConflictPolicy: 'FAIL',
        memo,
        ...metadata,
      });
      return { status: 'started', workflowId, runId: handle.firstExecutionRunId, operation: start.operation };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw explainStartFailure(client, err);
    }
    const running = await describeLatest(client, workflowId);
    if (running?.status.name !== 'RUNNING') continue; // it closed meanwhile: the next start replaces it
    const held = startRecordOf(running);
    if (options.event && held?.event?.id === options.event.id) {
      return eventOutcome(start, workflowId, running.runId, held.event, options.event);
    }
    return compareWithRunning(client, start, workflowId, record, running, held);
  }
  throw new Error(`the workflow id ${workflowId} changed hands ${START_ATTEMPTS} times while starting; retry`);
}

/** A namespace without crosslink's search attributes refuses the start: say how to register them. */
function explainStartFailure(client: Client, err: unknown): unknown {
  const cause = (err as Error).cause ?? err;
  if (isGrpcServiceError(cause) && cause.code === 3 && /search attribute/i.test(cause.details)) {
    return new SearchAttributesMissingError(client.options.namespace, `the server refused the start: ${cause.details}`);
  }
  return err;
}

async function describeLatest(client: Client, workflowId: string): Promise<WorkflowExecutionDescription | undefined> {
  try {
    return await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

function startRecordOf(run: { memo?: Record<string, unknown> }): StartRecord | undefined {
  const record = run.memo?.[START_MEMO_KEY] as Partial<StartRecord> | undefined;
  return typeof record?.requestDigest === 'string' ? (record as StartRecord) : undefined;
}

/**
 * The run this event started, if any: the id's latest run (describe, consistent), then the runs
 * started within the lookback (visibility, which may lag by a moment; the FAIL policy and the
 * describe after "already started" cover a start that recent).
 */
async function findEventRun(
  client: Client,
  workflowId: string,
  event: EventMark,
  options: StartOptions,
): Promise<{ runId: string; event: EventMark } | undefined> {
  const latest = await describeLatest(client, workflowId);
  if (!latest) return undefined;
  const latestEvent = startRecordOf(latest)?.event;
  if (latestEvent?.id === event.id) return { runId: latest.runId, event: latestEvent };
  const now = (options.now ?? (() => new Date()))();
  const since = new Date(now.getTime() - (options.eventLookbackSeconds ?? DEFAULT_EVENT_LOOKBACK_SECONDS) * 1000);
  const query = `WorkflowId = '${workflowId.replace(/'/g, "\\'")}' AND StartTime >= '${since.toISOString()}'`;
  for await (const run of client.workflow.list({ query })) {
    const recorded = startRecordOf(run)?.event;
    if (recorded?.id === event.id && run.startTime >= since) return { runId: run.runId, event: recorded };
  }
  return undefined;
}

function eventOutcome(
  start: StartRequest,
  workflowId: string,
  runId: string,
  recorded: EventMark,
  event: EventMark,
): StartOutcome {
  const base = { workflowId, runId, operation: start.operation };
  if (recorded.digest === event.digest) return { status: 'duplicate-event', ...base };
  return {
    status: 'event-id-reused',
    ...base,
    message: `event id ${event.id} already started run ${runId} of ${workflowId} with different content; use a new id`,
  };
}

/** The open run holds the id: the same operation and request is a duplicate, anything else a conflict. */
async function compareWithRunning(
  client: Client,
  start: StartRequest,
  workflowId: string,
  record: StartRecord,
  running: WorkflowExecutionDescription,
  held: StartRecord | undefined,
): Promise<StartOutcome> {
  const operation = OPERATION_OF[running.type];
  const base = { workflowId, operation: start.operation };
  if (operation === start.operation && held?.requestDigest === record.requestDigest) {
    return { status: 'already-running', runId: running.runId, ...base };
  }
  const input = await startInput(client, workflowId, running.runId);
  const heldBy: HeldBy = {
    runId: running.runId,
    operation: operation ?? running.type,
    ...(typeof input?.requestedBy === 'string' ? { requestedBy: input.requestedBy } : {}),
    startTime: running.startTime.toISOString(),
  };
  if (operation !== start.operation) {
    return {
      status: 'conflict',
      ...base,
      heldBy,
      differences: [],
      message: anotherOperationMessage(start, workflowId, heldBy),
    };
  }
  // No record (a run started by a fan-out or an older client): compare the inputs themselves.
  const differences = differencesBetween(input, start.request);
  if (differences.length === 0) return { status: 'already-running', runId: running.runId, ...base };
  return {
    status: 'conflict',
    ...base,
    heldBy,
    differences,
    message: differentRequestMessage(start, workflowId, heldBy, differences),
  };
}

/** The request the run was started with: the input of its first history event. */
async function startInput(
  client: Client,
  workflowId: string,
  runId: string,
): Promise<Record<string, unknown> | undefined> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) return undefined;
  // crosslink's clients and workers use the default data converter (no codec).
  const value = defaultPayloadConverter.fromPayload(payload as Payload);
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

function describeHolder(heldBy: HeldBy): string {
  const who = heldBy.requestedBy ? `, requested by ${heldBy.requestedBy}` : '';
  return `run ${heldBy.runId} (${heldBy.operation}${who}, started ${heldBy.startTime})`;
}

function anotherOperationMessage(start: StartRequest, workflowId: string, heldBy: HeldBy): string {
  return (
    `another operation holds ${workflowId}: ${describeHolder(heldBy)}; this ${start.operation} was not started. ` +
    `Wait for that run to end (crosslink status ${workflowId}) or cancel it, then ask again`
  );
}

function differentRequestMessage(
  start: StartRequest,
  workflowId: string,
  heldBy: HeldBy,
  differences: RequestDifference[],
): string {
  const lines = differences.map((d) => `  ${d.field}: ${d.running} there, ${d.requested} here`);
  return [
    `${workflowId} is held by ${describeHolder(heldBy)} with a different ${start.operation} request; this one was not started. It differs in:`,
    ...lines,
    `Wait for that run to end (crosslink status ${workflowId}) or cancel it, then ask again`,
  ].join('\n');
}

/** The fields (paths) whose values differ between two JSON values, at most MAX_DIFFERENCES. */
export function differencesBetween(running: unknown, requested: unknown): RequestDifference[] {
  const out: RequestDifference[] = [];
  walkDifferences(running, requested, '', out);
  return out.slice(0, MAX_DIFFERENCES);
}

function walkDifferences(a: unknown, b: unknown, path: string, out: RequestDifference[]): void {
  if (out.length >= MAX_DIFFERENCES || stringify(a) === stringify(b)) return;
  const field = path || '(request)';
  if (UNSHOWN_FIELDS.has(field.split(/[.[]/)[0] ?? '')) {
    out.push({ field, running: sealedShown(a, 'a sealed credential'), requested: sealedShown(b, 'another one') });
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      walkDifferences(a[key], b[key], path ? `${path}.${key}` : key, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) walkDifferences(a[i], b[i], `${path}[${i}]`, out);
    return;
  }
  out.push({ field, running: shown(a), requested: shown(b) });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A sealed credential is named, never shown. */
function sealedShown(value: unknown, what: string): string {
  return value === undefined ? '(absent)' : `(${what})`;
}

function shown(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

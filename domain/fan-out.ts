/**
 * A fan-out: one local deployment connected to several remotes in one request. Each pair is an
 * ordinary connection request (its own connection id, approvals, status and rollback); what the
 * pairs share is said once (local side, model, approval policy, requester).
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { type DeploymentFacts, type UndoReport } from './records';
import { ConnectionRequest, CrossClusterAccess, DeploymentRef, RoleSpec, connectionId } from './connection-request';
import { Alias, Identity } from './ids';
import { type ConnectionState } from './progress-report';

/** One remote of a fan-out: where it is, the alias the local cluster calls it, its own access and roles. */
export const FanOutPair = lazySchema(() =>
  z
    .object({
      remote: DeploymentRef,
      alias: Alias,
      access: CrossClusterAccess.optional(),
      roles: z.array(RoleSpec).optional(),
    })
    .strict(),
);
export type FanOutPair = z.infer<typeof FanOutPair>;

// What the pairs share: the connection request's fields less the per-pair ones (its refinements run per pair).
const Shared = lazySchema(() => {
  const { remote: _remote, alias: _alias, access: _access, roles: _roles, ...sharedShape } = ConnectionRequest.shape;
  return z.object(sharedShape);
});

/** At most this many pairs per request: one history holds every pair's status. */
export const MAX_FAN_OUT_PAIRS = 100;

export const FanOutRequest = lazySchema(() =>
  Shared.extend({
    /** Names this request among the fan-outs of its local deployment (part of the workflow id). */
    requestId: Identity,
    remotes: z.array(FanOutPair).min(1, 'must list at least one remote').max(MAX_FAN_OUT_PAIRS),
  })
    .strict()
    .superRefine((r, ctx) => {
      const aliases = new Set<string>();
      r.remotes.forEach((pair, i) => {
        if (aliases.has(pair.alias)) {
          ctx.addIssue({
            code: 'custom',
            path: ['remotes', i, 'alias'],
            message: `alias "${pair.alias}" is listed twice`,
          });
        }
        aliases.add(pair.alias);
        // Each pair must be a valid connection request on its own; its field errors name the pair.
        const parsed = ConnectionRequest.safeParse(pairRequestInput(r, pair));
        if (parsed.success) return;
        for (const issue of parsed.error.issues) {
          const [head, ...rest] = issue.path;
          const inPair = head === 'remote' || head === 'alias' || head === 'access' || head === 'roles';
          ctx.addIssue({
            code: 'custom',
            path: inPair
              ? ['remotes', i, ...issue.path]
              : ['remotes', i, ...(head === undefined ? [] : [head]), ...rest],
            message: issue.message,
          });
        }
      });
    }),
);
export type FanOutRequest = z.infer<typeof FanOutRequest>;
export type FanOutRequestInput = z.input<typeof FanOutRequest>;

function pairRequestInput(request: Omit<FanOutRequest, never>, pair: FanOutPair): unknown {
  const { remotes: _remotes, requestId: _requestId, ...shared } = request;
  return { ...shared, remote: pair.remote, alias: pair.alias, access: pair.access, roles: pair.roles ?? [] };
}

/** The pairs of a fan-out as the connection requests their child runs take, in the request's order. */
export function pairRequests(request: FanOutRequest): ConnectionRequest[] {
  return request.remotes.map((pair) => ConnectionRequest.parse(pairRequestInput(request, pair)));
}

/** Every fan-out's workflow id starts with this (a connection id starts with `crosslink.`). */
export const FAN_OUT_ID_PREFIX = 'crosslink-fan-out.';

/** The fan-out's workflow id: its local deployment and request id (one run per request). */
export function fanOutId(request: Pick<FanOutRequest, 'local' | 'requestId'>): string {
  return `${FAN_OUT_ID_PREFIX}${request.local.environment}.${request.local.deploymentId}.${request.requestId}`;
}

/** True when a request file holds a fan-out (a `remotes` list) rather than one connection. */
export function isFanOutInput(input: unknown): boolean {
  return typeof input === 'object' && input !== null && 'remotes' in input;
}

export { connectionId };

/** One pair's status as the fan-out reports it. */
export interface FanOutPairStatus {
  alias: string;
  remote: { environment: string; deploymentId: string };
  /** The pair's connection id: the child run's workflow id (approve, status and cancel it by this id). */
  connectionId: string;
  state: 'pending' | ConnectionState;
  /** Why a pair did not connect: failure type and message. */
  reason?: { type: string; message: string };
}

/** The proxy-CA entries one batch write added (the batch's ownership record, kept in the fan-out's history). */
export interface ProxyCaBatchRecord {
  attempt: number;
  /** The local deployment as the batch read it (its trust before the batch: what undo restores toward). */
  local: DeploymentFacts;
  /** Entries this batch's write added, per remote environment. */
  created: Array<{ environment: string; name: string; rootPem: string; proxyDomain: string }>;
  /** Environments whose proxy CA was already trusted or is public: nothing to add. */
  alreadyTrusted: string[];
  /** Whether a deployment PUT (and so a plan) was made. */
  planned: boolean;
  detail: string;
}

/** The fan-out's outcome: every pair's status and what the batch trust write did. */
export interface FanOutResult {
  fanOutId: string;
  pairs: FanOutPairStatus[];
  proxyCa: { created: string[]; planned: boolean; undo?: UndoReport };
}

/** The fan-out's proxy-CA step (row `proxy-ca-batch`): every entry the pairs need, in one deployment change. */
export interface ProxyCaBatchInput {
  /** The fan-out's id: the entries' names carry its hash, the mark by which its undo knows them. */
  batchId: string;
  local: DeploymentRef;
  remotes: Array<{ environment: string; deploymentId: string }>;
}
export type ProxyCaBatch = ProxyCaBatchRecord;

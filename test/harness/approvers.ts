/**
 * Approvers for tests: each has an Ed25519 key pair made at load time; the policy lists their public
 * keys. `sign` makes the decision token the CLI would (client/cli/decision-token.ts).
 */
import { type KeyObject, generateKeyPairSync } from 'node:crypto';
import {
  type ApprovalPolicyConfig,
  type ApprovalPolicyConfigInput,
  ApprovalPolicyConfig as PolicySchema,
  type ApproverPublicKey,
  type DecisionKind,
  type Progress,
  type StepId,
} from '../../domain';
import { signDecision } from '../../client/decision-token';

interface Approver {
  privateKey: KeyObject;
  publicJwk: ApproverPublicKey;
}

const keys = new Map<string, Approver>();

/** The key pair of `name` (made on first use, the same afterwards). */
export function approverKey(name: string): Approver {
  let key = keys.get(name);
  if (!key) {
    const pair = generateKeyPairSync('ed25519');
    key = { privateKey: pair.privateKey, publicJwk: pair.publicKey.export({ format: 'jwk' }) as ApproverPublicKey };
    keys.set(name, key);
  }
  return key;
}

/** A policy whose `approvers` are the names used in `rules` (and `extra`), each with its test key. */
export function testPolicy(rules: ApprovalPolicyConfigInput['rules'], extra: string[] = []): ApprovalPolicyConfig {
  const names = new Set([...(rules ?? []).flatMap((r) => r.approvers), ...extra]);
  return PolicySchema.parse({
    approvers: Object.fromEntries([...names].map((n) => [n, { publicKey: approverKey(n).publicJwk }])),
    rules,
  });
}

export interface SignOptions {
  workflowId: string;
  runId: string;
  gate: StepId;
  decision: DecisionKind;
  text?: string;
  /** Seconds the token is valid (default 300). */
  ttlSeconds?: number;
  /** Issue time (default now). */
  now?: Date;
  /** Sign with this approver's key while claiming to be `as` (a forgery). */
  keyOf?: string;
  /** The digest of the change decided on (the pending gate's `change.digest`). */
  change?: string;
}

export function sign(as: string, options: SignOptions): Promise<string> {
  return signDecision(approverKey(options.keyOf ?? as).privateKey, {
    approver: as,
    workflowId: options.workflowId,
    runId: options.runId,
    gate: options.gate,
    decision: options.decision,
    ...(options.text !== undefined ? { text: options.text } : {}),
    ...(options.change !== undefined ? { change: options.change } : {}),
    ttlSeconds: options.ttlSeconds ?? 300,
    now: options.now ?? new Date(),
  });
}

/** The harness's default policy: bob, carol and alice (the usual requester) decide every gate. */
export const DEFAULT_TEST_POLICY = testPolicy([{ approvers: ['bob', 'carol', 'alice'] }]);

/** A run the harness (or a test) can ask for its progress. */
export interface QueryableRun {
  workflowId: string;
  runId: string;
  query<T>(name: string): Promise<T>;
}

/** The digest of the change the run's pending gate guards, as `crosslink approve` reads it. */
export async function pendingChange(run: QueryableRun): Promise<string | undefined> {
  const progress = await run.query<Progress>('progress');
  return progress.pendingGate?.change?.digest;
}

/** A decision on `gate` of a harness run as `crosslink approve --key` sends it (signed for the change shown). */
export async function signedApproval(
  run: QueryableRun,
  gate: StepId,
  as = 'bob',
): Promise<{ gate: StepId; approver: string; token: string }> {
  const change = await pendingChange(run);
  const token = await sign(as, {
    workflowId: run.workflowId,
    runId: run.runId,
    gate,
    decision: 'approve',
    ...(change ? { change } : {}),
  });
  return { gate, approver: as, token };
}

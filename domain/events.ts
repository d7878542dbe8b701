import { z } from 'zod';
import { Alias, Identity } from './ids';
import { ApprovalDecision, DecisionToken, RejectionDecision } from './progress-report';
import { DeploymentRef } from './connection-request';
import { StepId } from './step-catalog';
import { lazySchema } from './lazy-schema';

/** CloudEvents `type` values the intake accepts. */
export const EVENT_TYPES = {
  connectionRequested: 'io.crosslink.connection.requested.v1',
  approvalGranted: 'io.crosslink.approval.granted.v1',
  approvalDenied: 'io.crosslink.approval.denied.v1',
  /** data: an UpdateAccessRequest (domain/lifecycle-request.ts). */
  accessUpdateRequested: 'io.crosslink.connection.access-update.requested.v1',
  /** data: a RotateRequest; `previousCredential` (sealed) or `noRestore: true`. */
  rotationRequested: 'io.crosslink.connection.rotation.requested.v1',
  /** data: a DisconnectRequest. */
  disconnectRequested: 'io.crosslink.connection.disconnect.requested.v1',
  /** data: a MigrateRequest (a certificate connection moved to the API key model in place). */
  migrationRequested: 'io.crosslink.connection.migration.requested.v1',
} as const;

/**
 * `data` of an approval event: the decision, the workflow it is for, and the approver's signed
 * decision token (`crosslink approve --key <file> --print-token` makes one); the workflow refuses
 * a decision whose token does not verify, so the intake secret alone cannot approve anything.
 */
export const ApprovalGrantedData = lazySchema(() =>
  ApprovalDecision.extend({
    workflowId: z.string().min(1).max(400),
    token: DecisionToken,
  }).strict(),
);
export const ApprovalDeniedData = lazySchema(() =>
  RejectionDecision.extend({
    workflowId: z.string().min(1).max(400),
    token: DecisionToken,
  }).strict(),
);
export type ApprovalGrantedData = z.infer<typeof ApprovalGrantedData>;
export type ApprovalDeniedData = z.infer<typeof ApprovalDeniedData>;

/**
 * An event id that can also be the Standard Webhooks `webhook-id` it is signed under: printable
 * ASCII without spaces, and no "." (the signed content is `id.timestamp.body`, so the standard
 * forbids "." in the id).
 */
export const EventId = lazySchema(() =>
  z
    .string({ error: 'is required' })
    .min(1, 'must not be empty')
    .max(256, 'must be at most 256 characters')
    .regex(/^[\x21-\x2d\x2f-\x7e]+$/, 'must be printable ASCII without spaces or "."'),
);

/** Extension attribute names (CloudEvents 1.0.2 "Attribute Naming Convention"). */
const ATTRIBUTE_NAME = /^[a-z0-9]+$/;
const CORE_ATTRIBUTES = ['specversion', 'id', 'source', 'type', 'datacontenttype', 'dataschema', 'subject', 'time'];

/**
 * The context attributes of a CloudEvent 1.0 (spec v1.0.2 "Context Attributes"): the four
 * required ones, the optional ones with their types, extensions as lowercase alphanumeric names
 * whose values are String, Integer or Boolean. `data` travels separately.
 */
export const CloudEventAttributes = lazySchema(() =>
  z
    .object({
      specversion: z.literal('1.0', { error: 'must be "1.0" (the only CloudEvents version accepted)' }),
      id: EventId,
      source: z
        .string({ error: 'is required' })
        .min(1, 'must not be empty')
        .regex(/^[^\s]+$/, 'must be a URI-reference (no spaces)'),
      type: z.string({ error: 'is required' }).min(1, 'must not be empty'),
      datacontenttype: z.string().min(1, 'must not be empty').optional(),
      dataschema: z.url('must be an absolute URI').optional(),
      subject: z.string().min(1, 'must not be empty').optional(),
      time: z.iso.datetime({ offset: true, error: 'must be an RFC 3339 timestamp' }).optional(),
    })
    .catchall(z.union([z.string(), z.number().int(), z.boolean()], { error: 'must be a string, integer or boolean' }))
    .superRefine((attrs, ctx) => {
      for (const name of Object.keys(attrs)) {
        if (!CORE_ATTRIBUTES.includes(name) && !ATTRIBUTE_NAME.test(name))
          ctx.addIssue({ code: 'custom', path: [name], message: 'is not a valid attribute name ([a-z0-9]+)' });
      }
    }),
);
export type CloudEventAttributes = z.infer<typeof CloudEventAttributes>;

/** CloudEvents `type` values of the notifications crosslink emits (docs/notifications.md). */
export const NOTIFICATION_TYPES = {
  gateOpened: 'io.crosslink.notification.gate.opened.v1',
  connected: 'io.crosslink.notification.run.connected.v1',
  rolledBack: 'io.crosslink.notification.run.rolled-back.v1',
  failed: 'io.crosslink.notification.run.failed.v1',
  driftFound: 'io.crosslink.notification.audit.drift-found.v1',
  declaredDrift: 'io.crosslink.notification.reconcile.declared-drift.v1',
} as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[keyof typeof NOTIFICATION_TYPES];

/** What every notification says about the connection it is about (no credentials, ever). */
const ConnectionSummary = lazySchema(() =>
  z
    .object({
      workflowId: z.string().min(1).max(400),
      /** Distinguishes runs of the same connection (the workflow id is reused after a run ends). */
      runId: z.string().min(1).max(200),
      alias: Alias,
      local: DeploymentRef,
      remote: DeploymentRef,
    })
    .strict(),
);

/** A message fit for a chat line: bounded, and the caller passes no secret (failure messages are secret-free). */
const Message = lazySchema(() => z.string().min(1).max(2_000));

/**
 * One notification: the CloudEvent `type` is derived from `kind`. The workflow builds these from
 * its own state, so they are plain data (deterministic, replay-safe).
 */
export const Notification = lazySchema(() =>
  z.discriminatedUnion('kind', [
    ConnectionSummary.extend({
      kind: z.literal('gate-opened'),
      gate: StepId,
      requestedBy: Identity,
      approvers: z.array(Identity),
      /** RFC 3339 time after which the gate times out and the run rolls back. */
      deadline: z.iso.datetime({ offset: true }),
      /** What the gate lets through, one line per activity, and the digest an approval signs (absent in older runs). */
      change: z
        .object({ digest: z.string(), summary: z.array(z.string().max(2000)).max(50) })
        .strict()
        .optional(),
    }).strict(),
    ConnectionSummary.extend({ kind: z.literal('connected') }).strict(),
    ConnectionSummary.extend({
      kind: z.literal('rolled-back'),
      failureType: z.string().min(1).max(100),
      message: Message,
      step: StepId.optional(),
    }).strict(),
    ConnectionSummary.extend({
      kind: z.literal('failed'),
      failureType: z.string().min(1).max(100),
      message: Message,
      step: StepId.optional(),
      /** Resources the undo could not remove, as "kind: id" lines, for the operator to clean up. */
      leftBehind: z.array(z.string().max(400)).max(50).default([]),
    }).strict(),
    ConnectionSummary.extend({
      kind: z.literal('drift-found'),
      findings: z
        .array(z.object({ what: z.string().min(1).max(200), detail: Message }).strict())
        .min(1)
        .max(50),
    }).strict(),
    /** The scheduled reconcile found connections that differ from the declared state (one notification per reconcile). */
    z
      .object({
        kind: z.literal('declared-drift'),
        /** The reconcile run. */
        workflowId: z.string().min(1).max(400),
        runId: z.string().min(1).max(200),
        /** Where the desired state came from, and its revision. */
        source: z.string().min(1).max(1000),
        revision: z.string().max(200).optional(),
        connections: z
          .array(
            z
              .object({
                connectionId: z.string().min(1).max(400),
                status: z.enum(['change', 'blocked', 'undeclared']),
                /** The actions that repair it (an apply would start these). */
                actions: z.array(z.string().max(50)).max(10),
                detail: Message,
              })
              .strict(),
          )
          .min(1)
          .max(50),
        /** The apply the reconcile started for the kinds the operator's policy lets it apply. */
        applied: z.string().max(400).optional(),
      })
      .strict(),
  ]),
);
export type Notification = z.infer<typeof Notification>;
export type NotificationInput = z.input<typeof Notification>;
export type NotificationKind = Notification['kind'];

export const NOTIFICATION_TYPE_BY_KIND: Record<NotificationKind, NotificationType> = {
  'gate-opened': NOTIFICATION_TYPES.gateOpened,
  connected: NOTIFICATION_TYPES.connected,
  'rolled-back': NOTIFICATION_TYPES.rolledBack,
  failed: NOTIFICATION_TYPES.failed,
  'drift-found': NOTIFICATION_TYPES.driftFound,
  'declared-drift': NOTIFICATION_TYPES.declaredDrift,
};

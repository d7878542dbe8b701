import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { ApprovalPolicyConfig } from './approval-policy';
import { ActionKind } from './desired-plan';
import { DeploymentId, Duration, EnvironmentName, Identity, durationToMs } from './ids';

/**
 * A secret, inline or by reference. References keep secrets out of the configuration file:
 * `{ "env": "ECE_A_API_KEY" }` reads an environment variable, `{ "file": "/run/secrets/x" }` a file
 * (trailing newline trimmed). A bare string or `{ "value": ... }` is inline (fine for the simulator).
 */
export const SecretRef = lazySchema(() =>
  z.union(
    [
      z.string().min(1, 'must not be empty'),
      z.object({ value: z.string().min(1, 'must not be empty') }).strict(),
      z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') }).strict(),
      z.object({ file: z.string().min(1, 'must be a file path') }).strict(),
    ],
    { error: 'must be a secret: a string, {"value": "..."}, {"env": "VARIABLE"} or {"file": "/path"}' },
  ),
);
export type SecretRef = z.infer<typeof SecretRef>;

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** A CA bundle: PEM text inline, or a file holding it. */
export const CaBundleRef = lazySchema(() =>
  z.union(
    [
      z.string().regex(PEM_CERT, 'must be a PEM certificate bundle (-----BEGIN CERTIFICATE-----)'),
      z.object({ pem: z.string().regex(PEM_CERT, 'must be a PEM certificate bundle') }).strict(),
      z.object({ file: z.string().min(1, 'must be a file path') }).strict(),
    ],
    { error: 'must be a PEM bundle: PEM text, {"pem": "..."} or {"file": "/path"}' },
  ),
);
export type CaBundleRef = z.infer<typeof CaBundleRef>;

/** Elasticsearch credentials. Creating a cross-cluster API key needs a user, not an API key (ES-SPEC). */
export const EsCredentials = lazySchema(() =>
  z.union(
    [
      z.object({ username: z.string().min(1, 'must not be empty'), password: SecretRef }).strict(),
      z.object({ apiKey: SecretRef }).strict(),
    ],
    { error: 'must be {"username", "password"} or {"apiKey"}' },
  ),
);
export type EsCredentials = z.infer<typeof EsCredentials>;

const HttpsUrl = lazySchema(() =>
  z
    .string()
    .url('must be a URL')
    .refine((u) => u.startsWith('https://'), 'must be an https:// URL (crosslink never talks to ECE in plain text)'),
);

export const DeploymentAccess = lazySchema(() =>
  z
    .object({
      /** Elasticsearch URL override; by default the deployment's `service_url` from ECE. */
      url: HttpsUrl.optional(),
      credentials: EsCredentials.optional(),
    })
    .strict(),
);

export const EnvironmentConfig = lazySchema(() =>
  z
    .object({
      /** Coordinator base URL, e.g. https://ece-coordinator.example:12443 (the `/api/v1` prefix is added). */
      coordinatorUrl: HttpsUrl,
      region: z.string().min(1).default('ece-region'),
      /** ECE API key (platform admin: trust relationships need it). */
      apiKey: SecretRef,
      /** CA bundle for the coordinator and the deployments' endpoints when ECE uses self-signed certificates. */
      caCert: CaBundleRef.optional(),
      /**
       * Whether this environment's remote-cluster proxy CA is public (the local deployment's nodes
       * already trust it) or private (crosslink adds it as `trust.direct` type proxy on the local side).
       * `auto` guesses from Node's bundled roots (docs/configuration.md); `public` / `private` decide.
       */
      proxyCa: z.enum(['auto', 'public', 'private']).default('auto'),
      elasticsearch: z
        .object({
          /** Credentials used for every deployment of this environment that has none of its own. */
          default: z.object({ credentials: EsCredentials }).strict().optional(),
          deployments: z.record(DeploymentId, DeploymentAccess).default({}),
        })
        .strict()
        .default({ deployments: {} }),
    })
    .strict(),
);
export type EnvironmentConfig = z.infer<typeof EnvironmentConfig>;
export type ProxyCaSetting = EnvironmentConfig['proxyCa'];
export type EnvironmentConfigInput = z.input<typeof EnvironmentConfig>;

/** Where notifications go (docs/notifications.md): https, or http to a loopback address for local runs. */
export const NotificationSinkConfig = lazySchema(() =>
  z
    .object({
      url: z
        .string()
        .url('must be a URL')
        .refine(
          (u) => u.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(u),
          'must be an https:// URL (http:// only to a loopback address)',
        ),
      /** Standard Webhooks secret (`whsec_...`) the sink verifies signatures with. */
      signingSecret: SecretRef,
      /** CA bundle for a sink with a private certificate. */
      caCert: CaBundleRef.optional(),
    })
    .strict(),
);
export type NotificationSinkConfig = z.infer<typeof NotificationSinkConfig>;

export const NotificationsConfig = lazySchema(() => z.object({ sink: NotificationSinkConfig }).strict());
export type NotificationsConfig = z.infer<typeof NotificationsConfig>;

/**
 * How the worker's activities pace their waits on ECE plans (docs/configuration.md "Timing").
 * Every field is optional; the defaults are activities/context.ts DEFAULT_TIMING.
 */
export const TimingConfig = lazySchema(() =>
  z
    .object({
      /** First check of a plan after a change (default: planPoll). */
      planFirstCheck: Duration.optional(),
      /** Plan polls start at this interval and grow 1.5x up to planMaxPoll (default 2s, 20s). */
      planPoll: Duration.optional(),
      planMaxPoll: Duration.optional(),
      /** Longest wait for another change's plan on the same deployment before a write (default 30m). */
      planSlotWait: Duration.optional(),
      /** How often a write that waits for another change's plan reads the deployment again (default planPoll). */
      planSlotPoll: Duration.optional(),
    })
    .strict(),
);
export type TimingConfig = z.infer<typeof TimingConfig>;

/** A path inside a repository: relative, without `..` (the worker reads nothing outside the checkout). */
const RepositoryPath = lazySchema(() =>
  z
    .string()
    .min(1)
    .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'must be a path inside the repository'),
);

/** Where the scheduled reconcile reads the desired state: a file on the worker, or a git repository it pulls. */
export const DesiredStateSource = lazySchema(() =>
  z.union(
    [
      z.object({ file: z.string().min(1, 'must be a file path') }).strict(),
      z
        .object({
          git: z
            .object({
              /** What `git clone` takes (https://, ssh, file://); credentials through git's own configuration. */
              url: z.string().min(1),
              /** A branch or tag. */
              ref: z
                .string()
                .regex(/^[A-Za-z0-9._/-]{1,200}$/, 'must be a branch or tag name')
                .default('main'),
              path: RepositoryPath.default('connections.yaml'),
            })
            .strict(),
        })
        .strict(),
    ],
    {
      error:
        'must be {"file": "/path/connections.yaml"} or {"git": {"url": ..., "ref": "main", "path": "connections.yaml"}}',
    },
  ),
);
export type DesiredStateSource = z.infer<typeof DesiredStateSource>;

/**
 * The operator's policy for the desired state (`desiredState` in the environments file): where the
 * scheduled reconcile reads it, and what it may apply by itself. By default it applies nothing: it
 * records drift and notifies. `autoApply` names the action kinds it starts on its own; every run it
 * starts still waits at each of its gates for the policy's approvers.
 */
export const DesiredStateConfig = lazySchema(() =>
  z
    .object({
      source: DesiredStateSource,
      autoApply: z.array(ActionKind).default([]),
      /** Plan with --prune: connections in the file's scope that it does not declare are disconnected (if autoApply has disconnect). */
      prune: z.boolean().default(false),
      /** Who the runs the reconcile starts are requested by (approvers other than this one decide their gates). */
      requestedBy: Identity.default('crosslink-reconcile'),
    })
    .strict(),
);
export type DesiredStateConfig = z.infer<typeof DesiredStateConfig>;

/** The file a worker loads (`CROSSLINK_ENVIRONMENTS`): every environment it may act in. */
export const EnvironmentsFile = lazySchema(() =>
  z
    .object({
      environments: z
        .record(EnvironmentName, EnvironmentConfig)
        .refine((e) => Object.keys(e).length > 0, 'must define at least one environment'),
      /**
       * 32-byte key (base64) that seals the cross-cluster API key while it passes through workflow
       * history. Only workers hold it; falls back to the CROSSLINK_SEALING_KEY variable.
       */
      sealingKey: SecretRef.optional(),
      /** Optional: send CloudEvents notifications (gate opened, connected, rolled back, failed, drift). */
      notifications: NotificationsConfig.optional(),
      /**
       * Who may decide approval gates, per environment or deployment, with each approver's public
       * key. Without it no gate can be approved, so a request with gates is refused at preflight.
       */
      approvals: ApprovalPolicyConfig.optional(),
      /** Optional: plan tracking and plan-slot waits (defaults suit a real ECE). */
      timing: TimingConfig.optional(),
      /** Optional: the declared state the scheduled reconcile plans, and what it may apply by itself. */
      desiredState: DesiredStateConfig.optional(),
    })
    .strict(),
);
export type EnvironmentsFile = z.infer<typeof EnvironmentsFile>;
export type EnvironmentsFileInput = z.input<typeof EnvironmentsFile>;

/** The file's `timing` section as activity timing overrides (milliseconds). */
export function timingOverrides(timing: TimingConfig | undefined): {
  planFirstCheckMs?: number;
  planPollMs?: number;
  planMaxPollMs?: number;
  planSlotWaitMs?: number;
  planSlotPollMs?: number;
} {
  const ms = (d: string | undefined) => (d === undefined ? undefined : durationToMs(d));
  const out = {
    planFirstCheckMs: ms(timing?.planFirstCheck),
    planPollMs: ms(timing?.planPoll),
    planMaxPollMs: ms(timing?.planMaxPoll),
    planSlotWaitMs: ms(timing?.planSlotWait),
    planSlotPollMs: ms(timing?.planSlotPoll),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

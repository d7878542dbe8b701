/**
 * Secrets audit: the end-to-end scenarios (both models, approvals by update and by signal, a
 * rejection, a rollback after a failure, the 8.13 restart path) run in the harness with the real
 * activities on the simulator. Everything that would enter workflow history (workflow input, every
 * activity input and result or failure, update and signal payloads and answers, query answers,
 * search attribute upserts, the final result or failure: all the commands the workflow emitted),
 * every activity log line (unscrubbed), console output, the CLI's `status` and `history` renderings
 * and the intake's answers and logs are searched for every configured secret, the sealing key and
 * the cross-cluster keys the run created (taken from the sealer: the only place the plaintext goes).
 */
import path from 'node:path';
import { pendingChange, sign, signedApproval } from '../harness/approvers';

import { Writable } from 'node:stream';
import { CloudEvent, HTTP } from 'cloudevents';
import { auditTrailFromHistory } from '../../client/cli/history/audit-trail';
import { renderHistory } from '../../client/cli/render/history';
import { type StatusView, renderStatus } from '../../client/cli/render/status';
import { createIntakeServer } from '../../client/intake/server';
import { signatureHeaders, webhookKey } from '../../common/webhook-signature';
import {
  CONNECTION_WORKFLOW,
  type ConnectionRequest,
  type ConnectionResult,
  EVENT_TYPES,
  type Progress,
  connectionId,
} from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';
import { createLogger } from '../../common/logging';
import { PinoTemporalLogger } from '../../workers/temporal-logger';
import { type HarnessRun, WorkflowHarness } from '../harness/workflow-harness';
import { InMemoryTemporal } from '../client/fakes/in-memory-temporal';
import { type SentMessage, historyOf } from './support/history';
import {
  type ActivityRecord,
  CapturingLogger,
  asText,
  captureActivityLogs,
  recordActivities,
} from './support/recorder';
import { APPROVER, apiKeyRequest, certificateRequest, restartRequest } from './support/requests';
import {
  type Secret,
  apiKeyPart,
  configuredSecrets,
  createdKeySecrets,
  findSecrets,
  sealingKeySecrets,
} from './support/secrets';
import { withTaps } from './support/taps';
import { type ProofWorld, startProofWorld } from './support/world';

const runIds = (run: { workflowId: string; runId: string }) => ({ workflowId: run.workflowId, runId: run.runId });

jest.setTimeout(60_000);

const INTAKE_SECRET = 'whsec_' + Buffer.from('secrets-audit-intake-secret-0123456789').toString('base64');
const WRONG_SECRET = 'whsec_' + Buffer.from('wrong-secret-0123456789-0123456789').toString('base64');

interface Scenario {
  name: string;
  request: () => ConnectionRequest;
  /** Faults or decisions, applied to the world before the run and to the run while it waits. */
  arrange?: (world: ProofWorld) => void;
  decide?: (run: HarnessRun, sent: { updates: SentMessage[]; signals: SentMessage[] }) => Promise<void>;
  expected: 'connected' | 'rolled-back';
  createsKey: boolean;
}

const waitingForGate = (run: HarnessRun) =>
  run.until((r) =>
    r.entries('search-attributes').some((e) => e.values.CrosslinkState?.toString() === 'awaiting-approval'),
  );

const SCENARIOS: Scenario[] = [
  {
    name: 'API key model, proxy-ca approved by update',
    request: () => apiKeyRequest({ approval: { gates: ['proxy-ca'], approvers: [APPROVER] } }),
    async decide(run, sent) {
      await waitingForGate(run);
      const decision = { ...(await signedApproval(run, 'proxy-ca', APPROVER)), comment: 'ok' };
      decision.token = await sign(APPROVER, {
        ...runIds(run),
        gate: 'proxy-ca',
        decision: 'approve',
        text: 'ok',
        change: await pendingChange(run),
      });
      sent.updates.push({ name: 'approve', args: [decision] });
      await run.update('approve', decision);
    },
    expected: 'connected',
    createsKey: true,
  },
  {
    name: 'certificate model, platform-trust approved by signal',
    request: () => certificateRequest({ approval: { gates: ['platform-trust'], approvers: [APPROVER] } }),
    async decide(run, sent) {
      await waitingForGate(run);
      const decision = await signedApproval(run, 'platform-trust', APPROVER);
      sent.signals.push({ name: 'approvalGranted', args: [decision] });
      await run.signal('approvalGranted', decision);
    },
    expected: 'connected',
    createsKey: false,
  },
  {
    name: 'certificate model, deployment-trust rejected by update (rollback)',
    request: () => certificateRequest({ approval: { gates: ['deployment-trust'], approvers: [APPROVER] } }),
    async decide(run, sent) {
      await waitingForGate(run);
      const reason = 'change freeze';
      const token = await sign(APPROVER, {
        ...runIds(run),
        gate: 'deployment-trust',
        decision: 'reject',
        text: reason,
        change: await pendingChange(run),
      });
      const decision = { gate: 'deployment-trust', approver: APPROVER, reason, token };
      sent.updates.push({ name: 'reject', args: [decision] });
      await run.update('reject', decision);
    },
    expected: 'rolled-back',
    createsKey: false,
  },
  {
    name: 'API key model, roles refused (403) after the key was written (rollback)',
    request: () => apiKeyRequest(),
    arrange: (world) =>
      world.simulator.inject({
        route: 'security.put_role',
        deploymentId: DEFAULT_IDS.a815,
        kind: 'status',
        status: 403,
        message: 'injected: privilege missing',
      }),
    expected: 'rolled-back',
    createsKey: true,
  },
  {
    name: 'API key model on 8.13: keystore not reloaded, restart',
    request: restartRequest,
    expected: 'connected',
    createsKey: true,
  },
];

let harness: WorkflowHarness;
beforeAll(async () => {
  harness = await WorkflowHarness.create(path.resolve(__dirname, '../../workflows'));
});
afterAll(() => harness?.destroy());

/** Where each piece of text came from, for the failure message. */
type Collected = Array<{ source: string; text: string }>;

function lineSink(lines: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
}

async function captureConsole<T>(lines: string[], body: () => Promise<T>): Promise<T> {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const spies = methods.map((m) =>
    jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' '))),
  );
  try {
    return await body();
  } finally {
    spies.forEach((s) => s.mockRestore());
  }
}

async function intakeOutput(request: ConnectionRequest, collected: Collected): Promise<void> {
  const lines: string[] = [];
  // No value scrubbing: the audit checks that nothing secret reaches the logger in the first place.
  const logger = createLogger({ name: 'intake', level: 'trace', destination: lineSink(lines) });
  const intake = createIntakeServer({ gateway: new InMemoryTemporal().gateway, secrets: [INTAKE_SECRET], logger });
  const url = (await intake.listen(0)).url + '/events';
  try {
    const events: Array<CloudEvent<unknown>> = [
      new CloudEvent<unknown>({ id: 'audit-1', type: EVENT_TYPES.connectionRequested, source: 'audit', data: request }),
      new CloudEvent<unknown>({
        id: 'audit-2',
        type: EVENT_TYPES.approvalGranted,
        source: 'audit',
        data: {
          workflowId: connectionId(request),
          gate: 'proxy-ca',
          approver: APPROVER,
          token: await sign(APPROVER, {
            workflowId: connectionId(request),
            runId: 'r',
            gate: 'proxy-ca',
            decision: 'approve',
          }),
        },
      }),
    ];
    for (const event of events) {
      const message = HTTP.structured(event);
      const body = message.body as string;
      for (const secret of [INTAKE_SECRET, WRONG_SECRET]) {
        const res = await fetch(url, {
          method: 'POST',
          body,
          headers: {
            ...(message.headers as Record<string, string>),
            ...signatureHeaders(webhookKey(secret), event.id, body),
          },
        });
        collected.push({ source: `intake answer ${event.type} (${res.status})`, text: await res.text() });
      }
    }
  } finally {
    await intake.close();
  }
  collected.push({ source: 'intake log', text: lines.join('') });
}

describe('secrets audit', () => {
  const summary: string[] = [];

  it('the search finds a secret that reaches a log line (control)', async () => {
    const world = await startProofWorld();
    try {
      const lines: string[] = [];
      const log = new PinoTemporalLogger(
        createLogger({ name: 'worker', level: 'trace', destination: lineSink(lines) }),
      );
      const password = Object.values(world.simulator.secrets['ece-a']!)[0]!.elasticPassword;
      log.warn(`control: connecting with ${password}`, { step: 'preflight' });
      const secrets = configuredSecrets(world.simulator);
      expect(findSecrets(lines.join(''), secrets)).toContainEqual(expect.stringMatching(/elastic password/));
    } finally {
      await world.close();
    }
  });

  afterAll(() => process.stdout.write(`\nSecrets audit\n${summary.join('\n')}\n\n`));

  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s: no secret in history, logs or output',
    async (_n, scenario) => {
      const world = await startProofWorld();
      try {
        const collected: Collected = [];
        const records: ActivityRecord[] = [];
        const logLines: string[] = [];
        const pinoLines: string[] = [];
        const consoleLines: string[] = [];
        const workerLog = new PinoTemporalLogger(
          createLogger({ name: 'worker', level: 'trace', destination: lineSink(pinoLines) }),
        );
        const sent: { updates: SentMessage[]; signals: SentMessage[] } = { updates: [], signals: [] };
        const queries: unknown[] = [];
        const request = scenario.request();
        scenario.arrange?.(world);

        const run = await captureConsole(consoleLines, async () => {
          const activities = withTaps(world.activities, [
            recordActivities(records),
            captureActivityLogs(new CapturingLogger(logLines, workerLog)),
          ]);
          const r = await harness.start(CONNECTION_WORKFLOW, [request], { activities });
          if (scenario.decide) {
            await scenario.decide(r, sent);
            queries.push(await r.query('progress'));
          }
          await r.outcome();
          queries.push(await r.query('progress'));
          return r;
        });
        const outcome = await run.outcome();

        // What happened is what the scenario says (so the audit looks at the intended paths).
        const progress = queries.at(-1) as Progress;
        expect(progress.state).toBe(scenario.expected);
        if (scenario.createsKey) {
          expect(world.sealed.length).toBeGreaterThan(0);
          // The sealed plaintext is the real created key: its id is a crosslink key on the remote.
          const keyId = Buffer.from(world.sealed[0]!, 'base64').toString('utf8').split(':')[0];
          const remote =
            world.simulator.snapshot()[request.remote.environment]!.deployments[request.remote.deploymentId]!;
          expect(remote.apiKeys.find((k) => k.id === keyId)?.name).toMatch(/^crosslink-/);
          expect(apiKeyPart(world.sealed[0]!).length).toBeGreaterThan(8);
        }

        // History: workflow input, commands (activity inputs, upserts, update and query answers, the close).
        collected.push({ source: 'workflow input', text: asText(request) });
        collected.push({ source: 'workflow commands', text: asText(run.commands) });
        collected.push({ source: 'timeline', text: asText(run.timeline) });
        for (const r of records) {
          collected.push({ source: `activity ${r.activity} #${r.attempt} input`, text: asText(r.input) });
          collected.push({
            source: `activity ${r.activity} #${r.attempt} outcome`,
            text: asText(r.result ?? r.failure),
          });
        }
        collected.push({ source: 'updates and signals sent', text: asText(sent) });
        collected.push({ source: 'query answers', text: asText(queries) });
        collected.push({
          source: 'outcome',
          text:
            outcome.status === 'completed'
              ? asText(outcome.value)
              : asText({ ...outcome.failure, message: outcome.failure.message }),
        });
        // Logs.
        collected.push({ source: 'activity log (unscrubbed)', text: logLines.join('\n') });
        collected.push({ source: 'worker log (pino, no value scrubbing)', text: pinoLines.join('') });
        collected.push({ source: 'console', text: consoleLines.join('\n') });
        // CLI output.
        const workflowId = connectionId(request);
        const view: StatusView =
          outcome.status === 'completed'
            ? {
                workflowId,
                source: 'workflow-result',
                state: 'connected',
                progress,
                result: outcome.value as ConnectionResult,
              }
            : {
                workflowId,
                source: 'workflow-failure',
                state: progress.state,
                progress,
                failure: outcome.failure.message,
              };
        collected.push({ source: 'crosslink status', text: renderStatus(view, new Date('2026-01-02T00:00:00Z')) });
        const history = historyOf({ request, run, records, updates: sent.updates, signals: sent.signals });
        const trail = auditTrailFromHistory(history, workflowId);
        expect(trail.entries.length).toBeGreaterThan(run.scheduled().length);
        collected.push({ source: 'crosslink history', text: renderHistory(trail) });
        // Intake.
        await intakeOutput(request, collected);

        const secrets: Secret[] = [
          ...configuredSecrets(world.simulator),
          ...sealingKeySecrets(world.sealingKey),
          ...createdKeySecrets(world.sealed),
          { label: 'intake secret', value: INTAKE_SECRET },
        ];
        const found = collected.flatMap(({ source, text }) =>
          findSecrets(text, secrets).map((s) => `${s} in ${source}`),
        );
        const bytes = collected.reduce((n, c) => n + c.text.length, 0);
        summary.push(
          `  ${scenario.name}: ${collected.length} texts (${bytes} bytes; ${records.length} activity attempts, ` +
            `${logLines.length} log lines) searched for ${secrets.length} secrets: ${found.length} found`,
        );
        expect(found).toEqual([]);
      } finally {
        await world.close();
      }
    },
  );
});

/**
 * The local run (`npm run local -- --auto-approve`) as a test: it starts the simulator, a Temporal
 * dev server (or uses TEMPORAL_ADDRESS), a worker and the intake, requests the connection with a
 * signed event, approves the gates, ends connected with every step in the workflow history, and
 * stops everything: no child process and no listening port is left.
 */
import { connect } from 'node:net';
import { STEP_CATALOG, type StepId } from '../../domain';
import { freePort } from '../../scripts/local/ports';
import { runLocal } from '../../scripts/local/run';
import { descendantPids, listeningPorts } from './processes';
import { describeIfServer, serverSource } from './temporal-server';

/** Whether something still accepts connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describeIfServer('the local run on a real Temporal server', () => {
  it('finishes connected, shows every step in the history, and leaves no process or port behind', async () => {
    const pidsBefore = descendantPids();
    const portsBefore = listeningPorts();
    const lines: string[] = [];
    let during: { pids: number[]; ports?: number[] } | undefined;

    const result = await runLocal({
      autoApprove: true,
      // Called when a gate opens, i.e. while everything runs; returning undefined keeps auto-approval.
      decide: () => {
        during ??= { pids: descendantPids(), ports: listeningPorts() };
        return undefined;
      },
      planDurationMs: 60,
      pollIntervalMs: 50,
      logLevel: 'silent',
      say: (line) => lines.push(line),
    });

    // The run connected, through the intake and the proxy-ca gate.
    expect(result.state).toBe('connected');
    expect(result.intakeStatus).toBe('started');
    expect(result.progress?.audit).toContainEqual(expect.objectContaining({ gate: 'proxy-ca', decision: 'approved' }));

    // Every step that ran is in the history as scheduled and completed activity tasks.
    const events = result.history?.events ?? [];
    const scheduled = new Map<string, string>();
    for (const e of events) {
      const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
      if (name && e.eventId != null) scheduled.set(String(e.eventId), name);
    }
    const completed = new Set(
      events
        .map((e) => e.activityTaskCompletedEventAttributes?.scheduledEventId)
        .filter((id) => id != null)
        .map((id) => scheduled.get(String(id))),
    );
    const ran = (result.progress?.steps ?? []).filter((s) => s.status === 'succeeded').map((s) => s.id);
    expect(ran).toEqual(
      expect.arrayContaining<StepId>([
        'preflight',
        'api-key',
        'proxy-ca',
        'keystore',
        'register-remote',
        'restart',
        'verify',
        'roles',
      ]),
    );
    for (const step of ran) {
      expect({ step, completed: completed.has(STEP_CATALOG[step].activity.name) }).toEqual({ step, completed: true });
    }
    expect(events.at(-1)?.workflowExecutionCompletedEventAttributes).toBeTruthy();

    // Everything it started is gone: the processes (the dev server), its listening ports, the intake.
    expect(during).toBeDefined();
    if (serverSource().kind === 'cli') expect(during!.pids.length).toBeGreaterThan(pidsBefore.length);
    expect(descendantPids()).toEqual(pidsBefore);
    if (portsBefore && during?.ports) {
      expect(during.ports.length).toBeGreaterThan(portsBefore.length);
      expect(listeningPorts()).toEqual(portsBefore);
    }
    const announced = lines
      .filter((l) => !l.startsWith('Using the Temporal server')) // a server we did not start stays up
      .flatMap((l) => [...l.matchAll(/(?:port |127\.0\.0\.1:|Web UI on )(\d{2,5})/g)].map((m) => Number(m[1])));
    expect(announced.length).toBeGreaterThan(0);
    for (const port of new Set(announced)) expect({ port, open: await accepts(port) }).toEqual({ port, open: false });
    expect(lines).toContain('Stopped the intake, the worker, Temporal, the notification sink and the simulator.');
    // The in-process sink received and printed what the run notified about.
    expect(result.notifications.map((n) => n.notification.kind)).toEqual(
      expect.arrayContaining(['gate-opened', 'connected']),
    );
    expect(lines.some((l) => l.includes('[notification] connected: '))).toBe(true);
  });

  it('with keep and chosen ports: everything stays up after the result until aborted, then stops', async () => {
    const ports = { temporal: await freePort(), ui: await freePort(), intake: await freePort() };
    const lines: string[] = [];
    const controller = new AbortController();
    let whileKept: Record<string, boolean> | undefined;
    const env = { ...process.env, TEMPORAL_ADDRESS: '' }; // this run starts its own dev server on the chosen port

    const result = await runLocal({
      autoApprove: true,
      keep: true,
      ports,
      env,
      planDurationMs: 60,
      pollIntervalMs: 50,
      logLevel: 'silent',
      signal: controller.signal,
      say: (line) => {
        lines.push(line);
        if (line.startsWith('Everything keeps running')) {
          // Checked after the result was printed, while the run waits for Ctrl-C.
          setTimeout(() => {
            void Promise.all([accepts(ports.temporal), accepts(ports.ui), accepts(ports.intake)]).then(
              ([temporal, ui, intake]) => {
                whileKept = { temporal, ui, intake };
                controller.abort();
              },
            );
          }, 300);
        }
      },
    });

    expect(result.state).toBe('connected');
    expect(whileKept).toEqual({ temporal: true, ui: true, intake: true });
    const printed = lines.join('\n');
    expect(printed).toContain(`Web UI:    http://localhost:${ports.ui}/namespaces/default/workflows`);
    expect(printed).toContain(`127.0.0.1:${ports.intake}/events`);
    expect(printed).toMatch(
      new RegExp(`TEMPORAL_ADDRESS=127\\.0\\.0\\.1:${ports.temporal} npm run (dev:)?crosslink -- list`),
    );
    expect(printed).not.toMatch(/npx /);
    for (const port of Object.values(ports)) expect({ port, open: await accepts(port) }).toEqual({ port, open: false });
  });
});

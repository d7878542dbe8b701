/**
 * The local run (`npm run local -- --auto-approve`) as a test: it starts the simulator, a Temporal
 * dev server (or uses TEMPORAL_ADDRESS), a worker and the intake, requests the connection with a
 * signed event, approves the gates, ends connected with every step in the workflow history, and
 * stops everything: no child process and no listening port is left.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { STEP_CATALOG, type StepId } from '../../domain';
import { defaultLocalRequest } from '../../scripts/local/default-request';
import { DEFAULT_IDS } from '../../simulator/api';
import { suiteTempDir } from '../harness/temp-dir';
import { freePort } from '../../scripts/local/ports';
import { runLocal } from '../../scripts/local/run';
import { descendantPids, listeningPorts, processGroup } from './processes';
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

const ROOT = join(__dirname, '..', '..');

/** Runs a command line in a shell without this process's Temporal or npm variables, as another terminal would. */
function shell(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('TEMPORAL_') && !name.startsWith('npm_')) env[name] = value;
  }
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', command], { cwd: ROOT, env, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Waits until `ready()` holds, checking every 200 ms; fails after `ms` (saying what it saw). */
async function until(ready: () => boolean, ms: number, seen: () => string = () => ''): Promise<void> {
  for (const end = Date.now() + ms; !ready(); await sleep(200)) {
    if (Date.now() > end) throw new Error(`not ready after ${ms} ms:\n${seen()}`);
  }
}

describeIfServer('the local run on a real Temporal server', () => {
  /** The SIGTERM test's TMPDIR: where its run puts the approver key folder. */
  const sigtermTmp = suiteTempDir('crosslink-sigterm-');
  const files = suiteTempDir('crosslink-local-run-requests-');
  /** A request file: the local run's default request with `changes`. */
  function requestFile(name: string, changes: Record<string, unknown>): string {
    const file = join(files, `${name}.json`);
    writeFileSync(file, JSON.stringify({ ...defaultLocalRequest(), ...changes }));
    return file;
  }

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
    // The approver's private key existed while the run lasted, and is gone with its folder.
    expect(result.approverKeyFile).toMatch(/crosslink-local-.*\.pem$/);
    expect(existsSync(dirname(result.approverKeyFile!))).toBe(false);
    // The in-process sink received and printed what the run notified about.
    expect(result.notifications.map((n) => n.notification.kind)).toEqual(
      expect.arrayContaining(['gate-opened', 'connected']),
    );
    expect(lines.some((l) => l.includes('[notification] connected: '))).toBe(true);
  });

  it('with keep and chosen ports: everything stays up until aborted; the printed commands work as printed', async () => {
    const ports = { temporal: await freePort(), ui: await freePort(), intake: await freePort() };
    const lines: string[] = [];
    const controller = new AbortController();
    const env = { ...process.env, TEMPORAL_ADDRESS: '' }; // this run starts its own dev server on the chosen port
    let kept: () => void = () => undefined;
    const keeping = new Promise<void>((resolve) => (kept = resolve));

    const running = runLocal({
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
        if (line.startsWith('Everything keeps running')) kept();
      },
    });
    let whileKept: Record<string, boolean> | undefined;
    let printed = '';
    let commands: Record<string, Awaited<ReturnType<typeof shell>>> = {};
    try {
      await Promise.race([keeping, running]);
      // Checked after the result was printed, while the run waits for Ctrl-C.
      const [temporal, ui, intake] = await Promise.all([
        accepts(ports.temporal),
        accepts(ports.ui),
        accepts(ports.intake),
      ]);
      whileKept = { temporal, ui, intake };
      printed = lines.join('\n');
      // What a user pastes into another terminal, where none of this run's variables are set.
      const status = /^ {4}(.+ status \S+)$/m.exec(printed)?.[1] ?? 'no status command printed';
      const cli = status.replace(/ status \S+$/, '');
      commands = {
        status: await shell(status),
        unknownDeployment: await shell(
          `${cli} connect ${requestFile('unknown', { remote: { environment: 'ece-b', deploymentId: 'b9000000000000000000000000000999' } })}`,
        ),
        passing: await shell(
          `${cli} connect ${requestFile('passing', { local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 }, remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 }, alias: 'logs-b815', roles: [] })}`,
        ),
      };
    } finally {
      controller.abort();
    }
    const result = await running;

    expect(result.state).toBe('connected');
    expect(whileKept).toEqual({ temporal: true, ui: true, intake: true });
    expect(printed).toContain(`Web UI:    http://localhost:${ports.ui}/namespaces/default/workflows`);
    expect(printed).toContain(`127.0.0.1:${ports.intake}/events`);
    expect(printed).toMatch(
      new RegExp(
        `TEMPORAL_ADDRESS=127\\.0\\.0\\.1:${ports.temporal} TEMPORAL_UI_URL=http://localhost:${ports.ui} npm run (dev:)?crosslink -- list`,
      ),
    );
    expect(printed).not.toMatch(/npx /);

    // The printed status command, pasted as printed: the run, with its Web UI link on the port in use.
    expect(commands.status).toMatchObject({ code: 0 });
    expect(commands.status!.stdout).toMatch(/^State:\s+connected/m);
    expect(commands.status!.stdout).toContain(
      `Web UI:    http://localhost:${ports.ui}/namespaces/default/workflows/${result.workflowId}`,
    );

    // connect waits for preflight: an unknown deployment exits 4 with the reason...
    expect(commands.unknownDeployment).toMatchObject({ code: 4 });
    expect(commands.unknownDeployment!.stdout).toMatch(/^Started connection crosslink\.ece-a\.\S+\.logs-b /m);
    expect(commands.unknownDeployment!.stderr).toMatch(
      /crosslink: preflight refused crosslink\.ece-a\.\S+\.logs-b: NotFound: .*deployment_not_found/,
    );
    // ...a request preflight accepts exits 0 and says what comes next, with hints that work as printed.
    expect(commands.passing).toMatchObject({ code: 0, stderr: '' });
    expect(commands.passing!.stdout).toMatch(/^ {2}preflight passed: /m);
    expect(commands.passing!.stdout).toMatch(/^The run goes on, waiting for approval of gate "\S+"\.$/m);
    expect(commands.passing!.stdout).toMatch(
      /^Watch: +TEMPORAL_ADDRESS=127\.0\.0\.1:\d+ TEMPORAL_UI_URL=http:\/\/localhost:\d+ npm run (dev:)?crosslink -- status \S+ --watch$/m,
    );

    for (const port of Object.values(ports)) expect({ port, open: await accepts(port) }).toEqual({ port, open: false });
    expect(existsSync(dirname(result.approverKeyFile!))).toBe(false);
  });

  it('SIGTERM to `npm run local` stops everything it started: no process, port or key file is left', async () => {
    const tmp = sigtermTmp;
    // The run picks its ports (free ones, taken at once): it prints them.
    const args = ['run', 'local', '--', '--auto-approve', '--keep'];
    // Its own process group, so the test can see (and, if it fails, stop) everything it started.
    const npm = spawn('npm', args, {
      cwd: ROOT,
      env: { ...process.env, TEMPORAL_ADDRESS: '', TMPDIR: tmp },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const group = npm.pid!;
    let output = '';
    npm.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    npm.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
    try {
      await until(
        () => output.includes('Everything keeps running'),
        150_000,
        () => output,
      );
      const ports = {
        temporal: Number(/^ {2}Temporal: +127\.0\.0\.1:(\d+) /m.exec(output)?.[1]),
        ui: Number(/^ {2}Web UI: +http:\/\/localhost:(\d+)\//m.exec(output)?.[1]),
        intake: Number(/^ {2}Intake: +http:\/\/127\.0\.0\.1:(\d+)\//m.exec(output)?.[1]),
      };
      expect(Object.values(ports).every((port) => port > 0)).toBe(true);
      expect(processGroup(group).length).toBeGreaterThan(1);
      expect(readdirSync(tmp).filter((name) => name.startsWith('crosslink-local-'))).toHaveLength(1);

      process.kill(group, 'SIGTERM'); // npm only, as `kill <pid>` or a service manager sends it
      await exited;
      await until(() => processGroup(group).length === 0, 60_000).catch(() => undefined);
      expect(processGroup(group)).toEqual([]);
      for (const port of Object.values(ports))
        expect({ port, open: await accepts(port) }).toEqual({ port, open: false });
      expect(readdirSync(tmp).filter((name) => name.startsWith('crosslink-'))).toEqual([]);
      expect(output).toContain('SIGTERM: stopping everything');
      expect(output).toContain('Stopped the intake, the worker, Temporal, the notification sink and the simulator.');
    } finally {
      if (processGroup(group).length > 0) process.kill(-group, 'SIGKILL');
    }
  });
});

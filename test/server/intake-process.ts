/**
 * The intake as operators run it, in its own process (client/intake/main.ts through tsx),
 * configured by environment variables; several may share one Temporal server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

export interface IntakeProcess {
  /** The events URL. */
  url: string;
  /** What the process logged (pino JSON lines). */
  output(): string;
  stop(): Promise<void>;
}

const ROOT = path.join(__dirname, '..', '..');

/** Starts `client/intake/main.ts` on a free port and resolves once it logs that it listens. */
export function startIntakeProcess(env: Record<string, string>): Promise<IntakeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'client/intake/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, CROSSLINK_INTAKE_PORT: '0', CROSSLINK_INTAKE_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the intake did not listen within 60 s:\n${output}`)), 60_000);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const listening = output
        .split('\n')
        .map((line) => parse(line))
        .find((entry) => entry?.msg === 'intake listening');
      if (!listening) return;
      clearTimeout(timer);
      resolve({ url: String(listening.url), output: () => output, stop: () => stop(child) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`the intake exited (${code}):\n${output}`)));
  });
}

function parse(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

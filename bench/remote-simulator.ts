/** The simulator in a child process (bench/simulator-process.ts), seen from the measured process. */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { type SimulatorHandle } from '../simulator/api';
import { type TopologyInput } from '../simulator/topology';

export interface SimulatorStats {
  calls: number;
  peakRssMb: number;
  plans: Record<string, number>;
}

export interface RemoteSimulator {
  config: SimulatorHandle['config'];
  /** Calls served so far, the child's peak RSS (sampled every 20 ms) and plans per `environment/deploymentId`. */
  stats(): Promise<SimulatorStats>;
  close(): Promise<void>;
}

function nextMessage<T>(child: ChildProcess, accept: (m: unknown) => m is T): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if (!accept(m)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m);
    };
    const onExit = (code: number | null) => reject(new Error(`simulator process exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export async function startRemoteSimulator(options: {
  topology: TopologyInput;
  planDurationMs: number;
  latencyMs: number;
}): Promise<RemoteSimulator> {
  // process.execArgv carries tsx's loader, so the child runs the TypeScript entry as the parent does.
  const child = fork(path.join(__dirname, 'simulator-process.ts'), [JSON.stringify(options)], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await nextMessage(
    child,
    (m): m is { ready: true; config: SimulatorHandle['config'] } => (m as { ready?: boolean })?.ready === true,
  );
  return {
    config: ready.config,
    stats() {
      const answer = nextMessage(
        child,
        (m): m is SimulatorStats => typeof (m as { calls?: unknown })?.calls === 'number',
      );
      child.send('stats');
      return answer;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('close');
      await exited;
    },
  };
}

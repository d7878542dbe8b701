/**
 * A proof world: a fresh simulator with short plans and the real activities bound to it, as a worker
 * would register them. The sealer is wrapped so a test can see every plaintext crosslink sealed (the
 * created cross-cluster key's `encoded`) without the key ever leaving the activity some other way.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_TEST_POLICY } from '../../harness/approvers';
import { type Timing, closeAllPools, createActivities } from '../../../activities';
import { createEnvironmentRegistry, resolveEnvironments } from '../../../activities/environments';
import { type Sealer, createSealer } from '../../../activities/secrets/sealing';
import { EnvironmentsFile } from '../../../domain';
import { type SimulatorOptions, startSimulator } from '../../../simulator';
import { type SimulatorHandle, type SimulatorSnapshot, comparableState } from '../../../simulator/api';
import { type ActivityImplementations } from '../../harness/workflow-harness';

/** Polls short enough that a run takes well under a second of real time on the simulator. */
export const PROOF_TIMING = {
  planPollMs: 10,
  verifyPollMs: 10,
  verifyMaxPollMs: 40,
  credentialsWaitMs: 300,
  credentialsPollMs: 10,
};

export interface ProofWorld {
  simulator: SimulatorHandle;
  activities: ActivityImplementations;
  /** The worker's sealing key (a configured secret). */
  sealingKey: Buffer;
  /** Every plaintext the activities sealed, in order (the created keys' `encoded` values). */
  sealed: string[];
  /** comparableState when the world was created. */
  before: SimulatorSnapshot;
  state(): SimulatorSnapshot;
  close(): Promise<void>;
}

export interface WorldOptions extends Pick<SimulatorOptions, 'topology' | 'latencyMs'> {
  planDurationMs?: number;
  /** Poll intervals (default PROOF_TIMING). */
  timing?: Partial<Timing>;
}

export async function startProofWorld(options: WorldOptions = {}): Promise<ProofWorld> {
  const simulator = await startSimulator({
    planDurationMs: options.planDurationMs ?? 30,
    ...(options.topology ? { topology: options.topology } : {}),
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
  });
  const registry = createEnvironmentRegistry(
    resolveEnvironments(EnvironmentsFile.parse(structuredClone(simulator.config)), { env: {} }),
  );
  const sealingKey = randomBytes(32);
  const sealed: string[] = [];
  const real = createSealer(sealingKey);
  const tapped: Sealer = {
    kid: real.kid,
    seal(plaintext, associatedData) {
      sealed.push(plaintext);
      return real.seal(plaintext, associatedData);
    },
    unseal: (s, ad) => real.unseal(s, ad),
  };
  const activities = createActivities({
    registry,
    sealer: tapped,
    approvals: DEFAULT_TEST_POLICY,
    timing: { ...PROOF_TIMING, ...options.timing },
  });
  return {
    simulator,
    activities: activities as unknown as ActivityImplementations,
    sealingKey,
    sealed,
    before: comparableState(simulator.snapshot()),
    state: () => comparableState(simulator.snapshot()),
    async close() {
      await closeAllPools();
      await simulator.close();
    },
  };
}

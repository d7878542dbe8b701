/**
 * The least a connection must do, per model: for each stage of the workflow (stages run one after
 * the other; the branches of a stage run in parallel), the API calls each branch needs and how many
 * of them must be sequential (rounds), and whether it waits for an ECE plan. docs/proof.md explains
 * each entry. The critical path is the sum over stages of the longest branch:
 *   rounds x per-call latency + plan duration (when the branch runs a plan).
 */
export interface Branch {
  what: string;
  calls: number;
  rounds: number;
  plan: boolean;
}
export type Stage = Branch[];

/**
 * API key model, local 8.14+ (keystore reloads by itself), remote with a private proxy CA, one local
 * role. docs/proof.md justifies each call against a straight script of the documented steps.
 */
export const API_KEY_PATH: Stage[] = [
  // deployments x2, platforms x2, trust relationships x2 (each environment's identity, as in the
  // certificate model), remote proxy CA, local keystore, local settings, remote API keys, local roles
  [{ what: 'preflight reads', calls: 11, rounds: 1, plan: false }],
  [
    // look for this run's key (idempotence), create
    { what: 'api-key', calls: 2, rounds: 2, plan: false },
    // read trust, write trust, one read when the plan has ended
    { what: 'proxy-ca', calls: 3, rounds: 3, plan: true },
  ],
  [{ what: 'keystore write', calls: 1, rounds: 1, plan: false }],
  [{ what: 'register-remote', calls: 1, rounds: 1, plan: false }],
  // `_remote/info`: are the credentials loaded
  [{ what: 'restart check', calls: 1, rounds: 1, plan: false }],
  // `_remote/info` connected, then the probe
  [{ what: 'verify', calls: 2, rounds: 2, plan: false }],
  // read (ownership of an existing name), write
  [{ what: 'roles', calls: 2, rounds: 2, plan: false }],
];

/** Certificate model, roles on both sides. */
export const CERTIFICATE_PATH: Stage[] = [
  // deployments x2, platforms x2, trust relationships x2, local keystore, local settings, roles x2
  [{ what: 'preflight reads', calls: 10, rounds: 1, plan: false }],
  [
    // list relationships, create
    { what: 'platform-trust local', calls: 2, rounds: 2, plan: false },
    { what: 'platform-trust remote', calls: 2, rounds: 2, plan: false },
  ],
  [
    // read trust, write trust, one read when the plan has ended
    { what: 'deployment-trust local', calls: 3, rounds: 3, plan: true },
    { what: 'deployment-trust remote', calls: 3, rounds: 3, plan: true },
  ],
  [{ what: 'register-remote', calls: 1, rounds: 1, plan: false }],
  [{ what: 'verify', calls: 2, rounds: 2, plan: false }],
  [
    { what: 'roles local', calls: 2, rounds: 2, plan: false },
    { what: 'roles remote', calls: 2, rounds: 2, plan: false },
  ],
];

export function minimumCalls(path: Stage[]): number {
  return path.flat().reduce((n, b) => n + b.calls, 0);
}

export function criticalPathMs(path: Stage[], latencyMs: number, planMs: number): number {
  return path.reduce(
    (total, stage) => total + Math.max(...stage.map((b) => b.rounds * latencyMs + (b.plan ? planMs : 0))),
    0,
  );
}

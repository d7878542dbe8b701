/**
 * How every crosslink process (worker, CLI, intake, local run) finds Temporal: the standard
 * Temporal environment configuration (`@temporalio/envconfig`), so one set of variables or one
 * profile file points all of them at a dev server, a self-hosted cluster or Temporal Cloud.
 */
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { type NativeConnectionOptions } from '@temporalio/worker';

export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_UI_URL = 'http://localhost:8233';

/** Where to connect, resolved from TEMPORAL_* variables and the optional TOML profile. */
export interface TemporalTarget {
  address: string;
  namespace: string;
  /** Connection options for both `Connection.connect` (client) and `NativeConnection.connect` (worker). */
  connectionOptions: NativeConnectionOptions & { address: string };
  /** Whether TLS is on (an API key turns it on by default). */
  tls: boolean;
  /** Base URL of the Temporal Web UI, for links printed to operators. */
  uiUrl: string;
}

export interface TemporalTargetOptions {
  /** Variables to read instead of `process.env` (tests, the local run). */
  env?: Record<string, string | undefined>;
  /** TOML profile name (TEMPORAL_PROFILE otherwise, then "default"). */
  profile?: string;
}

/**
 * Resolves TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE,
 * TEMPORAL_CONFIG_FILE (and the default `temporalio/temporal.toml` in the user config folder).
 */
export function resolveTemporalTarget(options: TemporalTargetOptions = {}): TemporalTarget {
  const env = definedOnly(options.env ?? process.env);
  let connect;
  try {
    connect = loadClientConnectConfig({ profile: options.profile, overrideEnvVars: env });
  } catch (err) {
    throw new Error(
      `cannot read the Temporal client configuration (TEMPORAL_CONFIG_FILE / TEMPORAL_PROFILE): ${(err as Error).message}`,
    );
  }
  const address = connect.connectionOptions.address ?? DEFAULT_TEMPORAL_ADDRESS;
  const tls = connect.connectionOptions.tls;
  return {
    address,
    namespace: connect.namespace ?? DEFAULT_NAMESPACE,
    connectionOptions: { ...connect.connectionOptions, address },
    tls: tls !== undefined && tls !== null && tls !== false,
    uiUrl: (env.TEMPORAL_UI_URL ?? DEFAULT_UI_URL).replace(/\/+$/, ''),
  };
}

/** A client on `target`; the error says where it tried and which variables to set. */
export async function connectClient(target: TemporalTarget): Promise<Client> {
  try {
    const connection = await Connection.connect({ ...target.connectionOptions, connectTimeout: '10s' });
    return new Client({ connection, namespace: target.namespace });
  } catch (err) {
    throw new TemporalUnreachableError(target, err as Error);
  }
}

export class TemporalUnreachableError extends Error {
  constructor(target: TemporalTarget, cause: Error) {
    super(
      `cannot reach Temporal at ${target.address} (namespace ${target.namespace}${target.tls ? ', TLS' : ''}): ` +
        `${cause.message}. Start a server (\`npm run local\` or \`temporal server start-dev\`) or point ` +
        'TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / TEMPORAL_API_KEY (or TEMPORAL_PROFILE) at yours.',
    );
    this.name = 'TemporalUnreachableError';
  }
}

/** Web UI page of one workflow. */
export function workflowUiUrl(target: Pick<TemporalTarget, 'uiUrl' | 'namespace'>, workflowId: string): string {
  return `${target.uiUrl}/namespaces/${encodeURIComponent(target.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

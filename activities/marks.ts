import { createHash } from 'node:crypto';
import { type SecurityModel } from '../domain/step-catalog';

/**
 * Ownership marks: how crosslink recognises what a run created, so undos (which take the step's
 * input, not its result) remove only that. Every mark contains the connection id or its hash.
 */

/** First 8 hex chars of SHA-256 of the connection id: short enough for names, stable across retries. */
export function connectionHash(connectionId: string): string {
  return createHash('sha256').update(connectionId).digest('hex').slice(0, 8);
}

/** Name of the platform trust relationship a run creates in one environment for the other. */
export function trustRelationshipName(otherEnvironment: string, connectionId: string): string {
  return `crosslink ${otherEnvironment} ${connectionHash(connectionId)}`;
}

/**
 * Whether a relationship name is crosslink's mark for the other environment (made by any
 * connection's run): a disconnect reclaims one its connection used once nothing references it.
 */
export function isTrustRelationshipMark(name: string, otherEnvironment: string): boolean {
  const prefix = `crosslink ${otherEnvironment} `;
  return name.startsWith(prefix) && /^[0-9a-f]{8}$/.test(name.slice(prefix.length));
}

export function apiKeyName(alias: string, connectionId: string): string {
  return `crosslink-${alias}-${connectionHash(connectionId)}`;
}

/** The workflow execution a run's per-run objects are marked with (one connection, one run). */
export interface RunMark {
  workflowId: string;
  runId?: string;
}

export function apiKeyMetadata(connectionId: string, localDeployment: string, alias: string, run?: RunMark) {
  return {
    crosslink: {
      connection_id: connectionId,
      local_deployment: localDeployment,
      alias,
      ...(run ? { workflow_id: run.workflowId, ...(run.runId ? { run_id: run.runId } : {}) } : {}),
    },
  };
}

/** The run a key's metadata names; undefined for keys made before keys carried it. */
export function apiKeyRunOf(metadata: Record<string, unknown> | null | undefined): RunMark | undefined {
  const mark = metadata?.crosslink as { workflow_id?: unknown; run_id?: unknown } | undefined;
  if (typeof mark?.workflow_id !== 'string') return undefined;
  return { workflowId: mark.workflow_id, ...(typeof mark.run_id === 'string' ? { runId: mark.run_id } : {}) };
}

/** A key's crosslink mark as discovery reads it back (undefined when the key carries none). */
export interface ApiKeyMark {
  connectionId: string;
  localDeployment?: string;
  alias?: string;
  workflowId?: string;
  runId?: string;
}

export function readApiKeyMark(metadata: Record<string, unknown> | null | undefined): ApiKeyMark | undefined {
  const mark = metadata?.crosslink as Record<string, unknown> | undefined;
  if (!mark || typeof mark.connection_id !== 'string') return undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    connectionId: mark.connection_id,
    localDeployment: text(mark.local_deployment),
    alias: text(mark.alias),
    workflowId: text(mark.workflow_id),
    runId: text(mark.run_id),
  };
}

/** Every key crosslink names starts with this (`GET /_security/api_key?name=crosslink-*`). */
export const API_KEY_NAME_PATTERN = 'crosslink-*';

/** True when the key's metadata names this connection. */
export function apiKeyCarriesMark(metadata: Record<string, unknown> | null | undefined, connectionId: string): boolean {
  const mark = metadata?.crosslink as { connection_id?: unknown } | undefined;
  return mark?.connection_id === connectionId;
}

/**
 * Name of the `trust.direct` entry holding the remote environment's proxy root CA. With the
 * connection id, the name also says which connection wrote it: the mark that survives a lost
 * response (a retry that finds its own entry knows it created it).
 */
export function proxyCaEntryName(remoteEnvironment: string, connectionId?: string): string {
  const base = `crosslink proxy CA ${remoteEnvironment}`;
  return connectionId ? `${base} ${connectionHash(connectionId)}` : base;
}

/** True when a `trust.direct` entry name is crosslink's proxy-CA entry for the environment (any connection). */
export function isProxyCaEntryName(name: unknown, remoteEnvironment: string): boolean {
  const base = proxyCaEntryName(remoteEnvironment);
  return typeof name === 'string' && (name === base || new RegExp(`^${escapeRegExp(base)} [0-9a-f]{8}$`).test(name));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const ROLE_MARK_KEY = 'crosslink_connection_id';

export function roleCarriesMark(metadata: Record<string, unknown> | undefined, connectionId: string): boolean {
  return metadata?.[ROLE_MARK_KEY] === connectionId;
}

export function credentialsSetting(alias: string): string {
  return `cluster.remote.${alias}.credentials`;
}

/** The persistent settings register-remote writes (flat keys), the exact set its undo nulls. */
export function remoteSettingKeys(alias: string): string[] {
  return ['mode', 'proxy_address', 'server_name', 'skip_unavailable'].map((k) => `cluster.remote.${alias}.${k}`);
}

/** ECE proxies: 9443 for the API key model (remote cluster server), 9400 for certificates (docs/sources.md §7A). */
export function proxyPort(model: SecurityModel): number {
  return model === 'api_key' ? 9443 : 9400;
}

/**
 * The recorded histories the replay suite replays: test/replay/histories/<crosslink version>/,
 * one `<scenario>.json` per run (as `temporal workflow show --output json` writes it) and a
 * manifest.json naming each run's workflow id and how it closed.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONNECTION_WORKFLOW } from '../../domain';
import { type ClosedAs } from './scenarios';

export const HISTORIES_ROOT = resolve(__dirname, 'histories');
export const MANIFEST_FILE = 'manifest.json';

export interface ManifestEntry {
  scenario: string;
  description: string;
  /** The run's workflow type (absent in 0.1.0, whose runs were all CONNECTION_WORKFLOW). */
  workflowType?: string;
  /** Histories carry no workflow id; replay passes the one the run had. */
  workflowId: string;
  closedAs: ClosedAs;
  events: number;
  /** Notifications the run's sink received; absent when its worker had no sink. */
  notifications?: number;
  /** The commit this run was recorded from, when it differs from the manifest's (a run added later with --only). */
  commit?: string;
}

export interface Manifest {
  crosslinkVersion: string;
  /** The commit whose workflow code recorded them (and whether workflows/ or domain/ had uncommitted changes). */
  commit: string;
  temporalSdk: string;
  runs: ManifestEntry[];
}

export interface RecordedHistory extends ManifestEntry {
  version: string;
  file: string;
  /** The history as JSON (proto3 JSON: event ids as strings, payload data as base64). */
  history: { events: Array<Record<string, unknown>> };
}

/** Every version folder's manifest and histories, oldest folder name first. */
export function loadRecordedHistories(root = HISTORIES_ROOT): RecordedHistory[] {
  if (!existsSync(root)) return [];
  const out: RecordedHistory[] = [];
  for (const version of readdirSync(root).sort()) {
    const dir = join(root, version);
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
    for (const run of manifest.runs) {
      const file = join(dir, `${run.scenario}.json`);
      out.push({ ...run, version, file, history: JSON.parse(readFileSync(file, 'utf8')) });
    }
  }
  return out;
}

/** The workflow type a recorded run was (0.1.0's manifest does not say: all its runs were connects). */
export function workflowTypeOf(h: RecordedHistory): string {
  return h.workflowType ?? CONNECTION_WORKFLOW;
}

/** History files in a version folder that its manifest does not list (a recording left half-done). */
export function unlistedFiles(root = HISTORIES_ROOT): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((version) => {
    const dir = join(root, version);
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
    const listed = new Set(manifest.runs.map((r) => `${r.scenario}.json`));
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json') && f !== MANIFEST_FILE && !listed.has(f))
      .map((f) => join(version, f));
  });
}

const CLOSING_EVENT: Record<ClosedAs, string> = {
  completed: 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
  failed: 'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED',
  canceled: 'EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED',
  'continued-as-new': 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
};

export function closingEventType(closedAs: ClosedAs): string {
  return CLOSING_EVENT[closedAs];
}

/** The history as text with every payload's data decoded (what anyone who can read the history sees). */
export function decodedHistoryText(history: unknown): string {
  return JSON.stringify(history, (key, value: unknown) =>
    typeof value === 'string' && (key === 'data' || key === 'encoding')
      ? Buffer.from(value, 'base64').toString('utf8')
      : value,
  );
}

/** Fields that only credentials have (`apiKey` is not one: it names the sealed key record). */
const CREDENTIAL_FIELDS = ['encoded', 'password', 'api_key', 'sealingKey', 'elasticPassword'];

/** The credential fields `text` (a decoded history) holds, as `"name":`. */
export function forbiddenFields(text: string): string[] {
  return CREDENTIAL_FIELDS.filter((name) => text.includes(`"${name}":`) || text.includes(`\\"${name}\\":`));
}

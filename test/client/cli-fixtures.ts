/**
 * Recorded data for the CLI tests: histories and progress answers captured from real local runs
 * (`runLocal` on a dev server: one approved and connected, one rejected at proxy-ca and rolled back).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type temporal } from '@temporalio/proto';
import { historyFromJSON } from '../harness/sdk-internals';
import { type Progress } from '../../domain';

const dir = join(__dirname, 'fixtures');

export function recordedHistory(name: 'connected' | 'rolled-back'): temporal.api.history.v1.IHistory {
  return historyFromJSON(JSON.parse(readFileSync(join(dir, `${name}.history.json`), 'utf8')));
}

export function recordedProgress(name: 'connected' | 'rolled-back' | 'awaiting-approval'): Progress {
  return JSON.parse(readFileSync(join(dir, `${name}.progress.json`), 'utf8')) as Progress;
}

export const WORKFLOW_ID = 'crosslink.ece-a.a9000000000000000000000000000001.logs-b';

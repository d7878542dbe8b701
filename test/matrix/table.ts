/**
 * The README's supported-version table, rendered from the same versions and rules the matrix
 * (requests.matrix.ts) runs: each cell names what that matrix cell asserts.
 */
import { atLeast } from '../../activities/steps/versions';
import { SUPPORTED_VERSIONS } from './versions';

const line = (v: string) => v.split('.').slice(0, 2).join('.');

function cell(local: string, remote: string): string {
  const beta = !atLeast(local, '8.14.0') || !atLeast(remote, '8.14.0');
  return `${beta ? 'β' : '✓'} / ✓`;
}

export function renderVersionTable(versions: readonly string[] = SUPPORTED_VERSIONS): string {
  const header = `| local \\ remote | ${versions.map(line).join(' | ')} |`;
  const rule = `|---|${versions.map(() => '---').join('|')}|`;
  const rows = versions.map((l) => `| **${line(l)}** | ${versions.map((r) => cell(l, r)).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}

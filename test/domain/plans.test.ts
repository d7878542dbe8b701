import { readFileSync } from 'node:fs';
import {
  CONNECT_API_KEY,
  CONNECT_CERTIFICATE,
  PLANS,
  ROW_IDS,
  STEP_IDS,
  connectPlan,
  sidesOf,
  STEP_CATALOG,
  activitiesOf,
  decidePlan,
  disconnectPlan,
  reclaimRows,
  rowEntries,
  rowOf,
  stepsOf,
} from '../../domain';
import { OPERATIONS_DOC, operationsDoc } from '../../scripts/docs/operations';
import { planMermaid } from '../../client/cli/render/plan-diagram';
import { apiKeyRequest } from '../workflows/fixtures';

/** The document's content without prettier's table padding (prettier cannot run inside jest). */
function comparable(markdown: string): string[] {
  return markdown
    .split('\n')
    .map((line) =>
      line.startsWith('|')
        ? line
            .split('|')
            .map((cell) => cell.trim().replace(/^-{3,}$/, '---'))
            .join('|')
        : line.trimEnd(),
    )
    .filter((line) => line !== '');
}

describe('the operations as plans', () => {
  it('docs/operations.md is the drawing of the declared plans (regenerate with npm run docs:operations)', async () => {
    expect(comparable(readFileSync(OPERATIONS_DOC, 'utf8'))).toEqual(comparable(operationsDoc()));
  });

  it('each plan names rows of the catalog, and each row of the catalog is in some plan', () => {
    const used = new Set(Object.values(PLANS).flatMap((p) => rowEntries(p).map((e) => e.row)));
    used.add('inspect'); // every lifecycle plan starts with the inspection, before the runner
    expect([...used].sort()).toEqual([...ROW_IDS].sort());
  });

  it('connect plans run the rows of their model only', () => {
    for (const plan of [CONNECT_API_KEY, CONNECT_CERTIFICATE]) {
      for (const entry of rowEntries(plan)) expect(rowOf(entry.row).models).toContain(plan.model);
    }
  });

  it.each(['api_key', 'certificate'] as const)(
    'a %s disconnect undoes every connect row that changes something, newest first, once per side',
    (model) => {
      const connect = connectPlan(model);
      const changing = rowEntries(connect).filter((e) => rowOf(e.row).undo !== null);
      expect(reclaimRows(model)).toEqual(changing.map((e) => e.row));
      const perSide = (e: (typeof changing)[number]) =>
        (sidesOf(e.row, model) ?? [undefined]).map(() => rowOf(e.row).undo!.name);
      expect(activitiesOf(disconnectPlan(model))).toEqual([...changing].reverse().flatMap(perSide));
    },
  );

  it('a certificate disconnect, spelled out', () => {
    expect(activitiesOf(disconnectPlan('certificate')).slice(0, 2)).toEqual(['deleteRoles', 'deleteRoles']);
    expect(activitiesOf(disconnectPlan('certificate')).slice(-2)).toEqual([
      'removePlatformTrust',
      'removePlatformTrust',
    ]);
  });

  it('shows a plan its steps in the documented order', () => {
    expect(stepsOf(PLANS.rotate!)).toEqual(['preflight', 'api-key', 'keystore', 'restart', 'verify']);
    expect(stepsOf(disconnectPlan('api_key'))).toEqual(
      STEP_IDS.filter((id) => id === 'preflight' || reclaimRows('api_key').some((r) => rowOf(r).step === id)),
    );
  });

  it('decides a lifecycle operation from the facts it read (update-access on a key that already matches)', () => {
    const request = { ...apiKeyRequest(), approval: { gates: [], deadline: '24h' } } as never;
    const decisions = decidePlan(PLANS['update-access']!, {
      request,
      existingKey: { keyId: 'k1', keyName: 'n', matches: true },
      changesRoles: false,
    });
    expect(decisions.filter((d) => !d.applies).map((d) => [d.id, d.reason])).toEqual([
      ['api-key', 'key k1 already grants the requested access'],
      ['roles', 'the request names no roles: they stay as they are'],
    ]);
  });

  it('draws a run with its steps coloured by state', () => {
    const drawing = planMermaid(CONNECT_API_KEY, { states: { preflight: 'succeeded', 'api-key': 'failed' } });
    expect(drawing).toMatch(/class step_preflight_\d+ done/);
    expect(drawing).toMatch(/class step_api_key_\d+ failed/);
    expect(drawing.split('\n')[0]).toBe('flowchart TD');
    // every catalog step of the plan is a node
    for (const entry of rowEntries(CONNECT_API_KEY)) expect(drawing).toContain(STEP_CATALOG[entry.row].activity.name);
  });
});

/**
 * The fault matrix covers every step that changes something: each activity of the connect plans that
 * makes a change (a row with an undo, or a follow-up) has a step row, and each undo an undo row
 * (test/proof/fault-matrix/rows.ts). A new step without them fails here, naming what to add.
 */
import { CONNECT_API_KEY, CONNECT_CERTIFICATE, rowEntries, rowOf } from '../../domain';
import { ROWS } from './fault-matrix/rows';

const rows = [...CONNECT_API_KEY.entries, ...CONNECT_CERTIFICATE.entries].length
  ? [...new Set([...rowEntries(CONNECT_API_KEY), ...rowEntries(CONNECT_CERTIFICATE)].map((e) => e.row))]
  : [];

describe('the fault matrix covers every mutating step of the connect plans', () => {
  const mutating = rows.map(rowOf).filter((r) => r.undo !== null || r.followUp !== undefined);

  it.each(mutating.map((r) => [r.step, r] as const))(
    '%s: a fault row for the activity that changes state',
    (_step, r) => {
      const changing = r.followUp ? r.followUp.call.name : r.activity.name;
      expect(ROWS.filter((row) => row.kind === 'step').map((row) => row.target.activity)).toContain(changing);
    },
  );

  it.each(mutating.filter((r) => r.undo).map((r) => [r.undo!.name, r] as const))(
    '%s: a fault row for the undo',
    (name) => {
      expect(ROWS.filter((row) => row.kind === 'undo').map((row) => row.target.activity)).toContain(name);
    },
  );
});

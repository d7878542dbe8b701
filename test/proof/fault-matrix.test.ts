/**
 * The fault matrix: every mutating step of both models, and every undo a later failure triggers,
 * against every fault kind, with the real activities on the simulator in the server-less harness.
 * Transient faults end connected and verified; permanent ones roll back to the exact pre-run state
 * (or, at an undo, leave only what the run reports); nothing that existed before is touched.
 * Prints the table (docs/proof.md explains how to read it) and fails on any leak.
 */
import path from 'node:path';
import { CONNECTION_WORKFLOW } from '../../domain';
import { WorkflowHarness } from '../harness/workflow-harness';
import { type Baselines, type CellResult, outcomeApprovingGates, runCell } from './fault-matrix/cell';
import { ROWS, type Row, kindsFor } from './fault-matrix/rows';
import { renderMatrix } from './fault-matrix/table';
import { diff, objects } from './support/state-diff';
import { type ProofWorld, startProofWorld } from './support/world';

jest.setTimeout(60_000);

let harness: WorkflowHarness;
const baselines: Baselines = new Map();
const results: CellResult[] = [];
const fileStarted = Date.now();

/** The next cell's simulator starts while the current cell runs (certificates take a few hundred ms). */
let nextWorld: Promise<ProofWorld> | undefined;
function takeWorld(): Promise<ProofWorld> {
  const world = nextWorld ?? startProofWorld();
  nextWorld = startProofWorld();
  return world;
}

beforeAll(async () => {
  harness = await WorkflowHarness.create(path.resolve(__dirname, '../../workflows'));
  // What a fault-free run of each model creates: a connected cell must leave exactly that.
  const models = new Map<Row['model'], Row>(ROWS.map((r) => [r.model, r]));
  for (const [model, row] of models) {
    const world = await takeWorld();
    try {
      const run = await harness.start(CONNECTION_WORKFLOW, [row.request()], { activities: world.activities });
      const outcome = await outcomeApprovingGates(run);
      if (outcome.status !== 'completed') throw new Error(`baseline ${model} did not connect: ${outcome.status}`);
      baselines.set(model, objects(diff(world.before, world.state(), true)));
    } finally {
      await world.close();
    }
  }
});

afterAll(async () => {
  await harness?.destroy();
  const spare = await nextWorld;
  await spare?.close();
});

const cells = ROWS.flatMap((row) => kindsFor(row).map((kind) => [`${row.model} ${row.label}`, kind, row] as const));

describe('fault matrix', () => {
  it.each(cells)('%s x %s', async (_name, kind, row) => {
    const world = await takeWorld();
    try {
      const result = await runCell(harness, world, row, kind, baselines);
      results.push(result);
      expect(result.problems).toEqual([]);
    } finally {
      await world.close();
    }
  });

  it('prints the table and leaves nothing behind', () => {
    const table = renderMatrix(results);
    const seconds = ((Date.now() - fileStarted) / 1000).toFixed(1);
    process.stdout.write(`\n${table}\n(${results.length} cells in ${seconds} s of real time)\n\n`);
    // Every cell ran to a verdict (run alone, or after a cell that threw, this says which are missing).
    expect(results.map((r) => `${r.row.model} ${r.row.label} x ${r.kind}`)).toEqual(
      cells.map(([name, kind]) => `${name} x ${kind}`),
    );
    expect(results.flatMap((r) => [...r.leaked, ...r.touched])).toEqual([]);
    expect(results.filter((r) => r.problems.length > 0).map((r) => `${r.row.label} x ${r.kind}`)).toEqual([]);
  });
});

/**
 * Child process for the concurrent figures, so that the process measured holds what a worker holds:
 * the harness with one webpack bundle of the workflows, and the activities (the simulator runs in a
 * process of its own, bench/simulator-process.ts). Argument: JSON { settings, sizes }; sends one
 * message with the results and exits.
 */
import path from 'node:path';
import { WorkflowHarness } from '../test/harness/workflow-harness';
import { type ConcurrentResult, runConcurrent } from './concurrent';
import { type BenchSettings } from './single';

async function main(): Promise<void> {
  const { settings, sizes } = JSON.parse(process.argv[2] ?? '{}') as { settings: BenchSettings; sizes: number[] };
  // Bundling happens here, before any RSS reading of a run.
  const harness = await WorkflowHarness.create(path.resolve(__dirname, '../workflows'));
  // Let go of webpack's garbage now, so the baseline reading is the harness and not the bundler's leftovers.
  (globalThis as { gc?: () => void }).gc?.();
  const results: ConcurrentResult[] = [];
  try {
    for (const n of sizes) results.push(await runConcurrent(harness, n, settings));
  } finally {
    await harness.destroy();
  }
  process.send?.({ results }, () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

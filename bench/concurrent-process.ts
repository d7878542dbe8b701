/**
 * Child process for the concurrent figures, so that the process measured holds what a worker holds:
 * the harness loading the workflow bundle built before (as a production worker loads its prebuilt
 * bundle: no webpack here), and the activities (the simulator runs in a process of its own,
 * bench/simulator-process.ts). Argument: JSON { settings, sizes, bundlePath }; sends one message
 * with the results and exits.
 */
import { readFileSync } from 'node:fs';
import { WorkflowHarness } from '../test/harness/workflow-harness';
import { type ConcurrentResult, runConcurrent } from './concurrent';
import { type BenchSettings } from './single';

async function main(): Promise<void> {
  const { settings, sizes, bundlePath } = JSON.parse(process.argv[2] ?? '{}') as {
    settings: BenchSettings;
    sizes: number[];
    bundlePath: string;
  };
  const harness = await WorkflowHarness.create({ code: readFileSync(bundlePath, 'utf8') });
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

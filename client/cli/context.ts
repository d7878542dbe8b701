/** What CLI commands need from the outside world; tests pass their own. */
import { type Client } from '@temporalio/client';
import { type TemporalTarget } from '../temporal-connection';

export interface CliContext {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal (`status --watch` redraws in place only then). */
  isTTY: boolean;
  /** Resolved lazily: argument errors never touch Temporal. */
  target(): TemporalTarget;
  client(): Promise<Client>;
  readFile(path: string): string;
  now(): Date;
  sleep(ms: number): Promise<void>;
  /** How to run this CLI again, for the commands hints print (client/cli/invocation.ts); `crosslink` when unset. */
  invocation?: string;
}

/** The command prefix hints print: `<this> status <id> --watch` works as printed. */
export function cliCommand(ctx: Pick<CliContext, 'invocation'>): string {
  return ctx.invocation ?? 'crosslink';
}

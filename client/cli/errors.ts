/** Errors the CLI prints, each with an exit code and a hint about what to do next. */
import {
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ValidationError } from '../../domain';
import { SearchAttributesMissingError } from '../search-attributes';
import { TemporalUnreachableError } from '../temporal-connection';
import { EXIT, type ExitCode } from './exit-codes';

export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** gRPC status codes the CLI distinguishes. */
const GRPC = {
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  FAILED_PRECONDITION: 9,
  UNAVAILABLE: 14,
  INVALID_ARGUMENT: 3,
} as const;

export function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

/** Turns what the Temporal client throws into a CliError with a next step. */
export function toCliError(err: unknown, workflowId?: string): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof ValidationError) {
    return new CliError(
      EXIT.INVALID_INPUT,
      `${err.message.split(':')[0]}:\n${err.errors.map((e) => `  ${e.field}: ${e.message}`).join('\n')}`,
    );
  }
  if (err instanceof TemporalUnreachableError || err instanceof SearchAttributesMissingError) {
    return new CliError(EXIT.UNAVAILABLE, err.message);
  }
  if (err instanceof WorkflowNotFoundError || (err instanceof ServiceError && grpcCode(err) === GRPC.NOT_FOUND)) {
    const id = workflowId ?? (err as { workflowId?: string }).workflowId ?? '';
    return new CliError(
      EXIT.NOT_FOUND,
      `no connection workflow with id "${id}"; \`crosslink list\` shows the ones that exist`,
    );
  }
  if (err instanceof WorkflowUpdateFailedError) {
    return new CliError(EXIT.REFUSED, `refused by the workflow: ${err.cause?.message ?? err.message}`);
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new CliError(
      EXIT.UNAVAILABLE,
      'no worker took the decision in time; check that a worker runs (`npm run worker`), then retry',
    );
  }
  const code = grpcCode(err);
  if (code === GRPC.UNAVAILABLE || code === GRPC.DEADLINE_EXCEEDED) {
    return new CliError(
      EXIT.UNAVAILABLE,
      `Temporal did not answer: ${(err as Error).message}; check TEMPORAL_ADDRESS and that the server runs`,
    );
  }
  return new CliError(EXIT.FAILURE, err instanceof Error ? err.message : String(err));
}

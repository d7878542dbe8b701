/**
 * A validated event to Temporal and back to an HTTP answer: starts go through the one
 * start-or-find helper (client/start-or-find.ts), decisions are signals.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { ValueError } from '@temporalio/common';
import { type Logger } from 'pino';
import { type ConnectionGateway, SearchAttributesMissingError } from '../connections';
import { type StartOutcome } from '../start-or-find';
import { type IntakeCommand } from './events';
import { type Outcome } from './replay-window';
import { type IntakeResponse, retryLater } from './responses';

/** The answer, and what the event achieved (undefined when it did not take effect: a redelivery may try again). */
export interface Dispatched {
  response: IntakeResponse;
  outcome?: Outcome;
}

export interface DispatchContext {
  gateway: ConnectionGateway;
  /** How far back the runs of a workflow id are searched for this event (the replay window). */
  replayWindowSeconds: number;
  log?: Logger;
}

export async function dispatchCommand(
  { gateway, replayWindowSeconds, log }: DispatchContext,
  command: IntakeCommand,
  digest: string,
): Promise<Dispatched> {
  try {
    if (command.kind === 'start') {
      const event = { id: command.eventId, digest };
      const outcome = await gateway.start(command.start, event, replayWindowSeconds);
      log?.info({ eventId: command.eventId, ...outcome }, `${command.start.operation}: ${outcome.status}`);
      return answerStart(outcome, command.eventId);
    }
    if (command.kind === 'approve') await gateway.signalApproval(command.workflowId, command.decision);
    else await gateway.signalRejection(command.workflowId, command.decision);
    const { eventId, workflowId } = command;
    log?.info(
      { eventId, workflowId, gate: command.decision.gate, by: command.decision.approver },
      `${command.kind} signal delivered`,
    );
    const outcome = { workflowId, status: 'signalled' };
    return { response: { status: 202, body: { ...outcome, eventId } }, outcome };
  } catch (err) {
    return { response: answerFailure(err, command, log) };
  }
}

/** What each start outcome is over HTTP (docs/intake.md, "Responses"). */
export function answerStart(outcome: StartOutcome, eventId: string): Dispatched {
  const { workflowId, operation } = outcome;
  switch (outcome.status) {
    case 'started':
    case 'already-running': {
      const { runId, status } = outcome;
      return {
        response: { status: 202, body: { workflowId, runId, status, operation, eventId } },
        outcome: { workflowId, runId, status },
      };
    }
    case 'duplicate-event': {
      const { runId } = outcome;
      return {
        response: {
          status: 200,
          body: { workflowId, runId, status: 'duplicate', first: 'started', operation, eventId },
        },
        outcome: { workflowId, runId, status: 'started' },
      };
    }
    case 'event-id-reused':
      return { response: { status: 409, body: { error: outcome.message, workflowId, runId: outcome.runId } } };
    case 'conflict':
      return {
        response: {
          status: 409,
          body: {
            error: outcome.message,
            workflowId,
            operation,
            heldBy: outcome.heldBy,
            differences: outcome.differences,
          },
        },
      };
  }
}

function answerFailure(err: unknown, command: IntakeCommand, log?: Logger): IntakeResponse {
  if (err instanceof WorkflowNotFoundError) {
    return { status: 404, body: { error: `no running connection workflow with id ${err.workflowId}` } };
  }
  if (err instanceof SearchAttributesMissingError) {
    log?.error({ eventId: command.eventId, err: err.message }, 'intake cannot start: search attributes missing');
    return retryLater(err.message, 60);
  }
  if (err instanceof ValueError) {
    // The data converter refused the input: the event is at fault, and a retry cannot help.
    log?.info({ eventId: command.eventId, reason: err.message }, 'intake refused data it cannot convert');
    return {
      status: 400,
      body: { error: 'invalid event', errors: [{ field: 'data', message: `cannot be converted: ${err.message}` }] },
    };
  }
  log?.error({ err, eventId: command.eventId }, 'intake could not reach Temporal');
  return retryLater(`Temporal is unavailable: ${(err as Error).message}; retry later`, 5);
}

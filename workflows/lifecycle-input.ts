import { ApplicationFailure } from '@temporalio/workflow';
import { type z } from 'zod';
import { FailureType } from '../domain';

/** A lifecycle workflow's input that its schema refuses: non-retryable, naming the field. */
export function badInput(what: string, error: z.ZodError): ApplicationFailure {
  const issue = error.issues[0];
  return ApplicationFailure.create({
    message: `${what}${issue?.path.length ? `.${issue.path.join('.')}` : ''}: ${issue?.message ?? 'invalid'}`,
    type: FailureType.BadRequest,
    nonRetryable: true,
  });
}

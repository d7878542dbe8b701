import { type z } from 'zod';
import { formatPath } from '../domain/validation';
import { eceError } from './ece-errors';
import { type Reply } from './server';
import { UNCONFIRMED } from './unconfirmed';

/** Parses a request body, or the 400 BasicFailedReply that names each bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): { data: z.infer<S> } | { reply: Reply } {
  const result = schema.safeParse(body);
  if (result.success) return { data: result.data };
  const fields = [...new Set(result.error.issues.map((i) => formatPath(i.path)))];
  const details = result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ');
  return {
    reply: eceError(
      UNCONFIRMED.invalidBody.status,
      UNCONFIRMED.invalidBody.code,
      `The request does not comply with the schema: ${details}`,
      fields,
    ),
  };
}

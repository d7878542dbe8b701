import { type z } from 'zod';

/** One problem with an input, named by its path (`remote.deploymentId`, `roles[0].name`). */
export interface FieldError {
  field: string;
  message: string;
}

/** Bad input: carries every field error so callers can print or return them. */
export class ValidationError extends Error {
  constructor(
    readonly what: string,
    readonly errors: FieldError[],
  ) {
    super(`invalid ${what}: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    this.name = 'ValidationError';
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ field: formatPath(issue.path), message: issue.message }));
}

/** Parse `input` with `schema`, or throw a ValidationError naming each bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(what, fieldErrors(result.error));
  return result.data;
}

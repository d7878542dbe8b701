/**
 * From an HTTP request (headers + raw body) to a validated intake command, or field-level errors.
 * CloudEvents 1.0, structured (`application/cloudevents+json`) and binary (`ce-*` headers) modes.
 */
import { type IncomingHttpHeaders } from 'node:http';
import { type CloudEvent, HTTP, ValidationError as CloudEventValidationError } from 'cloudevents';
import { z } from 'zod';
import {
  type ApprovalDecision,
  ApprovalDeniedData,
  ApprovalGrantedData,
  ConnectionRequest,
  EVENT_TYPES,
  type FieldError,
  type RejectionDecision,
  fieldErrors,
} from '../../domain';

export type IntakeCommand =
  | { kind: 'start'; eventId: string; request: ConnectionRequest }
  | { kind: 'approve'; eventId: string; workflowId: string; decision: ApprovalDecision }
  | { kind: 'reject'; eventId: string; workflowId: string; decision: RejectionDecision };

export type ParsedEvent = { ok: true; command: IntakeCommand } | { ok: false; errors: FieldError[] };

/** Attributes CloudEvents 1.0 requires; checked on the raw structured body because the SDK fills in a missing id. */
const RequiredAttributes = z.looseObject({
  specversion: z.literal('1.0', { error: 'must be "1.0"' }),
  id: z.string({ error: 'is required' }).min(1, 'must not be empty'),
  source: z.string({ error: 'is required' }).min(1, 'must not be empty'),
  type: z.string({ error: 'is required' }).min(1, 'must not be empty'),
});

const KNOWN_TYPES: readonly string[] = Object.values(EVENT_TYPES);

export function parseEvent(headers: IncomingHttpHeaders, body: Buffer): ParsedEvent {
  const text = body.toString('utf8');
  const contentType = String(headers['content-type'] ?? '').toLowerCase();
  if (contentType.startsWith('application/cloudevents-batch')) {
    return invalid('(content-type)', 'batch mode is not accepted; send one event per request');
  }
  const structured = contentType.startsWith('application/cloudevents');
  if (structured) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return invalid('(body)', 'is not valid JSON');
    }
    const attrs = RequiredAttributes.safeParse(raw);
    if (!attrs.success) return { ok: false, errors: fieldErrors(attrs.error) };
  } else if (!headers['ce-id']) {
    return invalid(
      '(content-type)',
      'no CloudEvent found: use content-type application/cloudevents+json (structured) or ce-* headers (binary)',
    );
  }

  let event: CloudEvent<unknown>;
  try {
    const parsed = HTTP.toEvent<unknown>({ headers: headers as Record<string, string>, body: text });
    if (Array.isArray(parsed)) return invalid('(body)', 'batch mode is not accepted; send one event per request');
    event = parsed as CloudEvent<unknown>;
    if (event.specversion !== '1.0') return invalid('specversion', 'must be "1.0"');
    event.validate();
  } catch (err) {
    return { ok: false, errors: cloudEventErrors(err) };
  }
  if (!KNOWN_TYPES.includes(event.type)) {
    return invalid('type', `must be one of ${KNOWN_TYPES.join(', ')}`);
  }
  const data = eventData(event.data);
  if (data === undefined) return invalid('data', 'must be a JSON object');

  switch (event.type) {
    case EVENT_TYPES.connectionRequested: {
      const r = ConnectionRequest.safeParse(data);
      if (!r.success) return dataErrors(r.error);
      return { ok: true, command: { kind: 'start', eventId: event.id, request: r.data } };
    }
    case EVENT_TYPES.approvalGranted: {
      const r = ApprovalGrantedData.safeParse(data);
      if (!r.success) return dataErrors(r.error);
      const { workflowId, ...decision } = r.data;
      return { ok: true, command: { kind: 'approve', eventId: event.id, workflowId, decision } };
    }
    default: {
      const r = ApprovalDeniedData.safeParse(data);
      if (!r.success) return dataErrors(r.error);
      const { workflowId, ...decision } = r.data;
      return { ok: true, command: { kind: 'reject', eventId: event.id, workflowId, decision } };
    }
  }
}

/** Binary mode with a content type the SDK does not parse (`application/json; charset=utf-8`) leaves a string. */
function eventData(data: unknown): Record<string, unknown> | undefined {
  let value = data;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function dataErrors(error: z.ZodError): ParsedEvent {
  return {
    ok: false,
    errors: fieldErrors(error).map((e) => ({
      field: e.field === '(root)' ? 'data' : `data.${e.field}`,
      message: e.message,
    })),
  };
}

function cloudEventErrors(err: unknown): FieldError[] {
  if (err instanceof CloudEventValidationError && Array.isArray(err.errors) && err.errors.length > 0) {
    return err.errors.map((e) =>
      typeof e === 'string'
        ? { field: '(event)', message: e }
        : {
            field: e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(event)',
            message: e.message ?? 'is invalid',
          },
    );
  }
  return [{ field: '(event)', message: err instanceof Error ? err.message : String(err) }];
}

function invalid(field: string, message: string): ParsedEvent {
  return { ok: false, errors: [{ field, message }] };
}

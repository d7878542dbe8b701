/**
 * From an HTTP request (headers + raw body) to a validated intake command, or the refusal.
 * CloudEvents 1.0 over HTTP (binding.ts), then the crosslink event types and their data.
 */
import { createHash } from 'node:crypto';
import { type z } from 'zod';
import {
  type ApprovalDecision,
  ApprovalDeniedData,
  ApprovalGrantedData,
  ConnectionRequest,
  DisconnectRequest,
  EVENT_TYPES,
  MigrateRequest,
  RotateRequest,
  UpdateAccessRequest,
  type FieldError,
  type RejectionDecision,
  fieldErrors,
} from '../../domain';
import { type StartRequest } from '../start-or-find';
import { type DistinctHeaders, decodeHttpEvent } from './binding';

export type IntakeCommand =
  /** connect, update-access, rotate, disconnect or migrate (client/start-or-find.ts) */
  | { kind: 'start'; eventId: string; start: StartRequest }
  | { kind: 'approve'; eventId: string; workflowId: string; decision: ApprovalDecision }
  | { kind: 'reject'; eventId: string; workflowId: string; decision: RejectionDecision };

export type ParsedEvent =
  | {
      ok: true;
      command: IntakeCommand;
      /** sha256 of the event's attributes and data, mode-independent */ digest: string;
    }
  | { ok: false; status: 400 | 415; errors: FieldError[] };

const KNOWN_TYPES: readonly string[] = Object.values(EVENT_TYPES);

export function parseEvent(headers: DistinctHeaders, body: Buffer): ParsedEvent {
  const decoded = decodeHttpEvent(headers, body);
  if (!decoded.ok) return decoded;
  const { attributes, data } = decoded;
  if (!KNOWN_TYPES.includes(attributes.type)) {
    return invalid('type', `must be one of ${KNOWN_TYPES.join(', ')}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return invalid('data', 'must be a JSON object');
  const digest = eventDigest(attributes, data);
  const eventId = attributes.id;

  switch (attributes.type) {
    case EVENT_TYPES.connectionRequested: {
      const r = ConnectionRequest.safeParse(data);
      if (!r.success) return dataErrors(r.error);
      return {
        ok: true,
        digest,
        command: { kind: 'start', eventId, start: { operation: 'connect', request: r.data } },
      };
    }
    case EVENT_TYPES.accessUpdateRequested: {
      const r = UpdateAccessRequest.safeParse(data);
      if (!r.success) return dataErrors(r.error);
      return {
        ok: true,
        digest,
        command: { kind: 'start', eventId, start: { operation: 'update-access', request: r.data } },
      };
    }
    case EVENT_TYPES.rotationRequested: {
      const r = RotateRequest.safeParse(data);
      if (!r.success) return dataErrors(r.error);
      return {
        ok: true,
        digest,
        command: { kind: 'start', eventId, start: { operation: 'rotate', request: r.data } },
      };
    }
    case EVENT_TYPES.disconnectRequested: {
      const r = DisconnectRequest.safeParse(data);
      if (!r.success) return dataErrors(r.error);
      return {
        ok: true,
        digest,
        command: { kind: 'start', eventId, start: { operation: 'disconnect', request: r.data } },
      };
    }
    case EVENT_TYPES.migrationRequested: {
      const r = MigrateRequest.safeParse(data);
      if (!r.success) return dataErrors(r.error);
      return {
        ok: true,
        digest,
        command: { kind: 'start', eventId, start: { operation: 'migrate', request: r.data } },
      };
    }
    case EVENT_TYPES.approvalGranted: {
      const r = ApprovalGrantedData.safeParse(data);
      if (!r.success) return dataErrors(r.error);
      const { workflowId, ...decision } = r.data;
      return { ok: true, digest, command: { kind: 'approve', eventId, workflowId, decision } };
    }
    default: {
      const r = ApprovalDeniedData.safeParse(data);
      if (!r.success) return dataErrors(r.error);
      const { workflowId, ...decision } = r.data;
      return { ok: true, digest, command: { kind: 'reject', eventId, workflowId, decision } };
    }
  }
}

/**
 * The same event in either content mode has the same digest: attributes sorted by name, and the
 * data as parsed JSON. A redelivery matches it; anything else under the same id does not.
 */
function eventDigest(attributes: Record<string, unknown>, data: unknown): string {
  const sorted = Object.keys(attributes)
    .filter((k) => k !== 'datacontenttype') // content type spelling may differ between modes
    .sort()
    .map((k) => [k, attributes[k]]);
  return createHash('sha256')
    .update(JSON.stringify([sorted, data]))
    .digest('base64url');
}

function dataErrors(error: z.ZodError): ParsedEvent {
  return {
    ok: false,
    status: 400,
    errors: fieldErrors(error).map((e) => ({
      field: e.field === '(root)' ? 'data' : `data.${e.field}`,
      message: e.message,
    })),
  };
}

function invalid(field: string, message: string): ParsedEvent {
  return { ok: false, status: 400, errors: [{ field, message }] };
}

/** ECE's error envelope: BasicFailedReply plus the `x-cloud-error-codes` header. */
import { type Reply } from './server';

export function eceError(status: number, code: string, message: string, fields?: string[]): Reply {
  return {
    status,
    body: { errors: [{ code, message, ...(fields && fields.length > 0 ? { fields } : {}) }] },
    headers: { 'x-cloud-error-codes': code },
  };
}

export const deploymentNotFound = (id: string) =>
  eceError(404, 'deployments.deployment_not_found', `The requested deployment [${id}] was not found`);

export const resourceNotFound = (id: string, refId: string) =>
  eceError(
    404,
    'deployments.deployment_resource_not_found',
    `The requested resource [elasticsearch:${refId}] of deployment [${id}] was not found`,
  );

export const trustRelationshipNotFound = (id: string) =>
  eceError(404, 'trust_relationships.not_found', `Trust relationship [${id}] could not be found`);

export const ok = (body: unknown, headers?: Record<string, string>): Reply => ({ status: 200, body, headers });

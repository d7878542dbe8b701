/** Elasticsearch's error object: `{"error":{"root_cause":[...],"type","reason"},"status"}`. */
import { type Reply } from './server';

export function esError(status: number, type: string, reason: string, extra: Record<string, unknown> = {}): Reply {
  const cause = { type, reason, ...extra };
  return { status, body: { error: { root_cause: [cause], ...cause }, status } };
}

export const esUnauthorized = (reason: string): Reply => ({
  ...esError(401, 'security_exception', reason, {
    header: { 'WWW-Authenticate': ['Basic realm="security" charset="UTF-8"', 'ApiKey'] },
  }),
  headers: { 'www-authenticate': 'Basic realm="security" charset="UTF-8"' },
});

export const esBadRequest = (reason: string, type = 'illegal_argument_exception') => esError(400, type, reason);

import { type ApplicationFailure } from '@temporalio/common';
import {
  classifyHttpStatus,
  classifyNetworkError,
  parseServerError,
  type RequestTarget,
} from '../../activities/http/classify';

const target: RequestTarget = {
  label: 'ECE ece-a',
  credentialField: 'environments.ece-a.apiKey',
  caField: 'environments.ece-a.caCert',
};
const path = '/api/v1/deployments/a8150000000000000000000000000002';

function classify(status: number, code?: string, message?: string, sensitive: string[] = []): ApplicationFailure {
  return classifyHttpStatus(target, 'GET', path, status, { code, message }, sensitive);
}

describe('error classification', () => {
  it.each([500, 502, 503, 429])('%d is retryable Transient', (status) => {
    const f = classify(status, 'root.internal');
    expect(f.type).toBe('Transient');
    expect(f.nonRetryable).toBe(false);
  });

  it('a plan-pending refusal is retryable, other 422s are not', () => {
    expect(classify(422, 'deployments.deployment_resource_plan_change_error')).toMatchObject({
      type: 'Transient',
      nonRetryable: false,
    });
    expect(classify(400, 'deployments.deployment_resource_plan_change_error')).toMatchObject({ type: 'Transient' });
    expect(classify(422, 'something.else')).toMatchObject({ type: 'BadRequest', nonRetryable: true });
  });

  it.each([
    [400, 'BadRequest'],
    [401, 'Unauthorized'],
    [403, 'Forbidden'],
    [404, 'NotFound'],
    [409, 'Conflict'],
  ])('%d is non-retryable %s', (status, type) => {
    const f = classify(status, 'x.y');
    expect(f.type).toBe(type);
    expect(f.nonRetryable).toBe(true);
  });

  it('says what to fix', () => {
    expect(classify(401, 'root.unauthorized', 'The supplied authentication is invalid').message).toBe(
      `ECE ece-a: 401 root.unauthorized on GET ${path} (The supplied authentication is invalid): check environments.ece-a.apiKey`,
    );
    expect(classify(403, 'root.forbidden').message).toContain('lack a privilege');
    expect(classify(404, 'deployments.deployment_not_found').message).toContain('check the deployment id');
  });

  it('removes secrets the server echoes', () => {
    const f = classify(400, 'keystore.invalid', 'bad value c2VjcmV0LXZhbHVl for setting', ['c2VjcmV0LXZhbHVl']);
    expect(f.message).not.toContain('c2VjcmV0LXZhbHVl');
    expect(f.message).toContain('[redacted]');
  });

  it('parses ECE BasicFailedReply and Elasticsearch errors', () => {
    expect(parseServerError({ errors: [{ code: 'a.b', message: 'm' }] })).toEqual({ code: 'a.b', message: 'm' });
    expect(parseServerError({ error: { type: 'security_exception', reason: 'r' }, status: 403 })).toEqual({
      code: 'security_exception',
      message: 'r',
    });
  });

  it('network errors are retryable; an untrusted certificate is a configuration error', () => {
    const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    expect(classifyNetworkError(target, 'GET', path, reset)).toMatchObject({ type: 'Transient', nonRetryable: false });
    const tls = Object.assign(new Error('self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    const f = classifyNetworkError(target, 'GET', path, tls);
    expect(f).toMatchObject({ type: 'ConfigurationError', nonRetryable: true });
    expect(f.message).toContain('environments.ece-a.caCert');
  });
});

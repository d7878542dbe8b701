import { ConnectionRequest, ValidationError, connectionId, parseOrThrow, DEFAULT_GATES } from '../../domain';
import { apiKeyRequest, certificateRequest } from './fixtures';

function errorsOf(input: unknown): Array<{ field: string; message: string }> {
  try {
    parseOrThrow(ConnectionRequest, input, 'connection request');
  } catch (e) {
    if (e instanceof ValidationError) return e.errors;
    throw e;
  }
  throw new Error('expected the request to be refused');
}

describe('ConnectionRequest', () => {
  it('accepts an API key request and fills the documented defaults', () => {
    const r = parseOrThrow(ConnectionRequest, apiKeyRequest(), 'connection request');
    expect(r.skipUnavailable).toBe(true);
    expect(r.allowBetaApiKeyModel).toBe(false);
    expect(r.verifyTimeout).toBe('5m');
    expect(r.approval.gates).toEqual([...DEFAULT_GATES]);
    expect(r.approval.gates).toEqual(['platform-trust', 'proxy-ca', 'restart']);
    expect(r.approval.deadline).toBe('24h');
    expect(r.roles[0]?.local.remote_indices?.[0]?.clusters).toEqual(['logs-b']);
  });

  it('accepts a certificate request with same-named remote roles', () => {
    const r = parseOrThrow(ConnectionRequest, certificateRequest(), 'connection request');
    expect(r.roles[0]?.remote?.indices?.[0]?.privileges).toEqual(['read', 'read_cross_cluster']);
    expect(r.approval.gates).toEqual(['platform-trust']);
  });

  it('derives one workflow id per local deployment and alias', () => {
    const r = parseOrThrow(ConnectionRequest, apiKeyRequest(), 'connection request');
    expect(connectionId(r)).toBe('crosslink.ece-a.a9000000000000000000000000000001.logs-b');
    const other = { ...r, remote: { environment: 'ece-c', deploymentId: 'c9000000000000000000000000000001' } };
    expect(connectionId(other)).toBe(connectionId(r));
  });

  const cases: Array<[string, (r: Record<string, unknown>) => unknown, string, RegExp]> = [
    ['the same deployment on both sides', (r) => ({ ...r, remote: r.local }), 'remote.environment', /same deployment/],
    [
      'two deployments of one environment',
      (r) => ({ ...r, remote: { environment: 'ece-a', deploymentId: 'a8150000000000000000000000000002' } }),
      'remote.environment',
      /different environments/,
    ],
    ['an unknown security model', (r) => ({ ...r, securityModel: 'password' }), 'securityModel', /api_key|certificate/],
    ['an alias with capitals', (r) => ({ ...r, alias: 'Logs' }), 'alias', /lowercase/],
    ['an alias with a dot', (r) => ({ ...r, alias: 'logs.b' }), 'alias', /lowercase letters, digits/],
    ['an empty alias', (r) => ({ ...r, alias: '' }), 'alias', /empty/],
    ['empty access', (r) => ({ ...r, access: {} }), 'access', /at least one search or replication/],
    ['empty search list', (r) => ({ ...r, access: { search: [], replication: [] } }), 'access', /at least one/],
    ['missing access for api_key', (r) => ({ ...r, access: undefined }), 'access', /required for the api_key/],
    [
      'a short deployment id',
      (r) => ({ ...r, local: { environment: 'ece-a', deploymentId: 'abc' } }),
      'local.deploymentId',
      /32 lowercase hexadecimal/,
    ],
    ['an unknown field', (r) => ({ ...r, password: 'x' }), '(root)', /password/],
    ['no requester', (r) => ({ ...r, requestedBy: undefined }), 'requestedBy', /expected string/],
    ['a requester with spaces', (r) => ({ ...r, requestedBy: 'a b' }), 'requestedBy', /user name or e-mail/],
    [
      'an unknown gate',
      (r) => ({ ...r, approval: { gates: ['launch'], approvers: ['x'] } }),
      'approval.gates[0]',
      /preflight/,
    ],
    [
      'a bad deadline',
      (r) => ({ ...r, approval: { approvers: ['x'], deadline: 'tomorrow' } }),
      'approval.deadline',
      /duration/,
    ],
    [
      'a bad key expiration',
      (r) => ({ ...r, apiKeyExpiration: '3 months' }),
      'apiKeyExpiration',
      /Elasticsearch duration/,
    ],
    [
      'an index pattern with a space',
      (r) => ({ ...r, access: { search: [{ names: ['logs *'] }] } }),
      'access.search[0].names[0]',
      /index name/,
    ],
    ['a role listed twice', (r) => ({ ...r, roles: [{ name: 'x' }, { name: 'x' }] }), 'roles[1].name', /listed twice/],
    [
      'a remote role for the api_key model',
      (r) => ({ ...r, roles: [{ name: 'x', remote: {} }] }),
      'roles[0].remote',
      /local cluster only/,
    ],
    [
      'a role name with a slash (injection into a URL path)',
      (r) => ({ ...r, roles: [{ name: '../_cluster/settings' }] }),
      'roles[0].name',
      /letters, digits/,
    ],
    [
      'an unknown remote_cluster privilege',
      (r) => ({
        ...r,
        roles: [{ name: 'x', local: { remote_cluster: [{ clusters: 'logs-b', privileges: ['all'] }] } }],
      }),
      'roles[0].local.remote_cluster[0].privileges[0]',
      /monitor_enrich/,
    ],
  ];

  it.each(cases)('refuses %s, naming the field', (_name, mutate, field, message) => {
    const errors = errorsOf(mutate(apiKeyRequest() as Record<string, unknown>));
    const hit = errors.find((e) => e.field === field);
    expect(hit).toBeDefined();
    expect(hit?.message).toMatch(message);
  });

  it('refuses access for the certificate model', () => {
    const errors = errorsOf({ ...certificateRequest(), access: { search: [{ names: ['x'] }] } });
    expect(errors).toEqual([
      expect.objectContaining({ field: 'access', message: expect.stringMatching(/api_key model/) }),
    ]);
  });

  it('allows self-approval only when the policy says so', () => {
    const input = { ...apiKeyRequest(), approval: { approvers: ['automation'], allowSelfApproval: true } };
    expect(() => parseOrThrow(ConnectionRequest, input, 'connection request')).not.toThrow();
  });

  it('needs no approvers when no step is gated', () => {
    const input = { ...apiKeyRequest(), approval: { gates: [] } };
    expect(parseOrThrow(ConnectionRequest, input, 'connection request').approval.approvers).toEqual([]);
  });
});

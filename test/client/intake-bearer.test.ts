/**
 * OIDC bearer-token delivery (CloudEvents HTTP Web Hooks §3.1), as Knative Eventing sends it with
 * `authentication-oidc` on: an issuer on loopback over HTTPS with a private CA (as a cluster's
 * service-account issuer is), its discovery document and key set; tokens signed with `jose`,
 * events built with the `cloudevents` SDK.
 */
import { createServer as createHttpsServer, type Server } from 'node:https';
import { type AddressInfo } from 'node:net';
import { CloudEvent, HTTP } from 'cloudevents';
import { type JWK, type KeyLike, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createIntakeServer, type IntakeServer } from '../../client/intake/server';
import { loadIntakeConfig } from '../../client/intake/config';
import { EVENT_TYPES } from '../../domain';
import { createCa, createServerCert } from '../../simulator/certs';
import { InMemoryTemporal } from './fakes/in-memory-temporal';
import { SECRET, post, request, signed, workflowId } from './intake-harness';

const AUDIENCE = 'crosslink-intake';
const SENDER = 'system:serviceaccount:events:oidc-pingsource-crosslink';
const KID = 'issuer-key-1';

interface Issuer {
  url: string;
  caPem: string;
  key: KeyLike;
  /** What the discovery document says the issuer is (a misconfigured issuer says something else). */
  announced: string;
  server: Server;
}

let issuer: Issuer;
let temporal: InMemoryTemporal;
const intakes: IntakeServer[] = [];

beforeAll(async () => {
  const ca = await createCa('test cluster CA');
  const identity = await createServerCert(ca, 'issuer');
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  const server = createHttpsServer({ cert: identity.certPem, key: identity.keyPem }, (req, res) => {
    const body =
      req.url === '/.well-known/openid-configuration'
        ? { issuer: issuer.announced, jwks_uri: `${issuer.url}/openid/v1/jwks` }
        : req.url === '/openid/v1/jwks'
          ? { keys: [jwk] }
          : undefined;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://localhost:${(server.address() as AddressInfo).port}`;
  issuer = { url, caPem: ca.certPem, key: privateKey, announced: url, server };
});
afterAll(() => new Promise<void>((resolve) => issuer.server.close(() => resolve())));

beforeEach(() => {
  temporal = new InMemoryTemporal();
  issuer.announced = issuer.url;
});
afterEach(async () => {
  await Promise.all(intakes.splice(0).map((i) => i.close()));
});

/** An intake that takes bearer tokens from the test issuer (and, with `secrets`, signatures too). */
async function intakeUrl(options: { secrets?: string[]; subjects?: string[] } = {}): Promise<string> {
  const intake = createIntakeServer({
    gateway: temporal.gateway,
    secrets: options.secrets ?? [],
    bearer: { issuer: issuer.url, audience: AUDIENCE, subjects: options.subjects ?? [SENDER], caPem: issuer.caPem },
  });
  intakes.push(intake);
  return (await intake.listen(0)).url + '/events';
}

/** A token as the cluster issues it to the sender's service account. */
function token(
  claims: { iss?: string; aud?: string; sub?: string; exp?: number | string } = {},
  key = issuer.key,
  kid = KID,
) {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(claims.iss ?? issuer.url)
    .setAudience(claims.aud ?? AUDIENCE)
    .setSubject(claims.sub ?? SENDER)
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? '10m')
    .sign(key);
}

/** A connection request as a Knative source delivers it: binary mode, built by the SDK. */
function delivery(id = 'knative-1') {
  const message = HTTP.binary(
    new CloudEvent({
      id,
      source: '/apis/v1/namespaces/events/pingsources/crosslink',
      type: EVENT_TYPES.connectionRequested,
      data: request,
    }),
  );
  return { headers: message.headers as Record<string, string>, body: String(message.body) };
}

async function deliver(url: string, bearer: string | undefined, id?: string) {
  const d = delivery(id);
  return post(url, d.body, { ...d.headers, ...(bearer === undefined ? {} : { authorization: bearer }) });
}

describe('bearer tokens (OIDC)', () => {
  test('a token of the issuer, for the audience, of an allowed subject starts the connection', async () => {
    const url = await intakeUrl();
    const reply = await deliver(url, `Bearer ${await token()}`);
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ workflowId, status: 'started', eventId: 'knative-1' });
  });

  test.each([
    ['another audience', () => token({ aud: 'someone-else' }), /unexpected "aud" claim value/],
    ['another issuer', () => token({ iss: 'https://issuer.example' }), /unexpected "iss" claim value/],
    [
      'an expired token',
      () => token({ exp: Math.floor(Date.now() / 1000) - 3600 }),
      /"exp" claim timestamp check failed/,
    ],
    [
      'a key the issuer does not publish',
      async () => token({}, (await generateKeyPair('RS256')).privateKey, 'other-key'),
      /no applicable key found/,
    ],
    [
      'a forged signature under the published key id',
      async () => token({}, (await generateKeyPair('RS256')).privateKey),
      /signature verification failed/,
    ],
    [
      'a shared-secret (HS256) token',
      () =>
        new SignJWT({ sub: SENDER })
          .setProtectedHeader({ alg: 'HS256', kid: KID })
          .setIssuer(issuer.url)
          .setAudience(AUDIENCE)
          .setExpirationTime('10m')
          .sign(new TextEncoder().encode('x'.repeat(32))),
      /"alg" \(Algorithm\) Header Parameter value not allowed/,
    ],
    ['not a JWT', async () => 'not-a-token', /Invalid Compact JWS/],
  ])('%s is refused with 401 and a Bearer challenge; nothing starts', async (_name, make, message) => {
    const url = await intakeUrl();
    const reply = await deliver(url, `Bearer ${await make()}`);
    expect(reply.status).toBe(401);
    expect(reply.body.error).toMatch(message);
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="crosslink-intake", error="invalid_token"');
    expect(temporal.runs).toHaveLength(0);
  });

  test('a valid token of a subject not allowed is refused with 403', async () => {
    const url = await intakeUrl();
    const reply = await deliver(url, `Bearer ${await token({ sub: 'system:serviceaccount:default:default' })}`);
    expect(reply.status).toBe(403);
    expect(reply.body.error).toBe('token subject system:serviceaccount:default:default is not allowed to send events');
    expect(temporal.runs).toHaveLength(0);
  });

  test('no token, another scheme, or a token in the URL (access_token) is refused with 401', async () => {
    const url = await intakeUrl();
    const none = await deliver(url, undefined);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="crosslink-intake"');
    expect(none.body.error).toMatch(/missing authentication: send an OIDC bearer token/);
    expect((await deliver(url, `Basic ${Buffer.from('a:b').toString('base64')}`)).status).toBe(401);
    const inQuery = await deliver(`${url}?access_token=${await token()}`, undefined);
    expect(inQuery.status).toBe(401);
    expect(temporal.runs).toHaveLength(0);
  });

  test('an issuer whose keys cannot be read answers 503 (retry), not 401', async () => {
    issuer.announced = 'https://impostor.example';
    const url = await intakeUrl();
    const reply = await deliver(url, `Bearer ${await token()}`);
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('5');
    expect(reply.body.error).toMatch(/names issuer https:\/\/impostor\.example, not https:\/\/localhost:/);
    issuer.announced = issuer.url; // fixed: the next delivery discovers again
    expect((await deliver(url, `Bearer ${await token()}`)).status).toBe(202);
  });

  test('the same event delivered again (a retry) with a fresh token is a duplicate', async () => {
    const url = await intakeUrl();
    const d = delivery();
    expect((await post(url, d.body, { ...d.headers, authorization: `Bearer ${await token()}` })).status).toBe(202);
    const again = await post(url, d.body, { ...d.headers, authorization: `Bearer ${await token()}` });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('duplicate');
  });
});

describe('both methods configured', () => {
  test('a signed event and a token-bearing event are each accepted; a bad credential of either is not', async () => {
    const url = await intakeUrl({ secrets: [SECRET] });
    const e = signed({ type: EVENT_TYPES.connectionRequested, data: request, id: 'signed-1' });
    expect((await post(url, e.body, e.headers)).status).toBe(202);
    expect((await deliver(url, `Bearer ${await token()}`, 'knative-2')).body.status).toBe('already-running');
    const both = await post(url, e.body, { ...e.headers, authorization: `Bearer ${await token({ aud: 'x' })}` });
    expect(both.status).toBe(401);
  });

  test('an intake with signatures only refuses a bearer token, saying what it accepts', async () => {
    const intake = createIntakeServer({ gateway: temporal.gateway, secrets: [SECRET] });
    intakes.push(intake);
    const url = (await intake.listen(0)).url + '/events';
    const reply = await deliver(url, `Bearer ${await token()}`);
    expect(reply.status).toBe(401);
    expect(reply.body.error).toMatch(/does not accept bearer tokens; send a Standard Webhooks signature/);
  });
});

describe('configuration', () => {
  test('issuer, audience and subjects come together; the issuer must be https', () => {
    const env = {
      CROSSLINK_INTAKE_OIDC_ISSUER: 'https://kubernetes.default.svc',
      CROSSLINK_INTAKE_OIDC_AUDIENCE: AUDIENCE,
      CROSSLINK_INTAKE_OIDC_SUBJECTS: `${SENDER}, system:serviceaccount:events:other`,
    };
    expect(loadIntakeConfig(env)).toMatchObject({
      secrets: [],
      bearer: {
        issuer: env.CROSSLINK_INTAKE_OIDC_ISSUER,
        audience: AUDIENCE,
        subjects: [SENDER, 'system:serviceaccount:events:other'],
      },
    });
    expect(() => loadIntakeConfig({ ...env, CROSSLINK_INTAKE_OIDC_SUBJECTS: undefined })).toThrow(/together/);
    expect(() =>
      createIntakeServer({
        gateway: temporal.gateway,
        bearer: { issuer: 'http://kubernetes.default.svc', audience: AUDIENCE, subjects: [SENDER] },
      }),
    ).toThrow(/OIDC issuer must be an https URL/);
  });
});

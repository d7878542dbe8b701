/**
 * TLS verification cannot be switched off from outside (issue 9 part 6): with
 * NODE_TLS_REJECT_UNAUTHORIZED=0 in a child process's environment, crosslink's HTTP client still
 * refuses a certificate signed by a CA outside the environment's bundle, and classifies it as a
 * configuration error. Node's default client in the same process accepts it: the variable is live.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tlsOverrideWarning } from '../../activities/http/pool';
import { createCa, createServerCert } from '../../simulator/certs';

const PROBE = path.join(__dirname, 'support/tls-probe.ts');
const TSX = require.resolve('tsx/cli');

interface ProbeResult {
  crosslink: { status?: number; failure?: string; message?: string; error?: string };
  nodeDefault: { status?: number; error?: string };
}

function probe(url: string, env: NodeJS.ProcessEnv, caFile?: string): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [TSX, PROBE, url, ...(caFile ? [caFile] : [])],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`probe failed: ${stderr || err.message}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as ProbeResult);
      },
    );
  });
}

describe('TLS verification is pinned', () => {
  let server: https.Server;
  let url: string;
  let dir: string;
  let bundleFile: string; // the environment's CA bundle: a CA that did NOT sign the server
  let rogueFile: string; // the CA that did sign it

  beforeAll(async () => {
    const [environmentCa, rogueCa] = await Promise.all([createCa('environment CA'), createCa('rogue CA')]);
    const identity = await createServerCert(rogueCa, 'localhost');
    server = https.createServer({ cert: identity.certPem, key: identity.keyPem }, (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = mkdtempSync(path.join(tmpdir(), 'crosslink-tls-'));
    bundleFile = path.join(dir, 'environment-ca.pem');
    rogueFile = path.join(dir, 'rogue-ca.pem');
    writeFileSync(bundleFile, environmentCa.certPem);
    writeFileSync(rogueFile, rogueCa.certPem);
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a certificate outside the environment bundle although NODE_TLS_REJECT_UNAUTHORIZED=0', async () => {
    const result = await probe(url, { NODE_TLS_REJECT_UNAUTHORIZED: '0' }, bundleFile);
    expect(result.crosslink.failure).toBe('ConfigurationError');
    expect(result.crosslink.message).toMatch(/TLS verification failed .*check x\.caCert/);
    // Control: the variable really is in force in that process.
    expect(result.nodeDefault.status).toBe(200);
  });

  it('refuses it against the public roots (no bundle) with the variable set', async () => {
    const result = await probe(url, { NODE_TLS_REJECT_UNAUTHORIZED: '0' });
    expect(result.crosslink.failure).toBe('ConfigurationError');
    expect(result.nodeDefault.status).toBe(200);
  });

  it('accepts the server when the bundle holds the CA that signed it (the refusal above is the CA)', async () => {
    const result = await probe(url, { NODE_TLS_REJECT_UNAUTHORIZED: '0' }, rogueFile);
    expect(result.crosslink).toEqual({ status: 200 });
  });
});

describe('nothing in production code turns verification off', () => {
  const root = path.resolve(__dirname, '../..');
  const dirs = ['activities', 'client', 'workers', 'workflows', 'domain', 'simulator', 'bin', 'scripts'];
  const files = execFileSync('git', ['ls-files', '-z', ...dirs, 'Dockerfile', 'docker-compose.yml', 'package.json'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  const read = (f: string) => readFileSync(path.join(root, f), 'utf8');

  it('has no rejectUnauthorized: false', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((f) => /rejectUnauthorized\s*:\s*false/.test(read(f)))).toEqual([]);
  });

  it('sets no NODE_TLS_REJECT_UNAUTHORIZED (code, scripts, image, compose file)', () => {
    const inCode = /process\.env(?:\.NODE_TLS_REJECT_UNAUTHORIZED|\[['"]NODE_TLS_REJECT_UNAUTHORIZED['"]\])\s*=(?!=)/;
    const inConfig = /(?:^|[\s"'-])NODE_TLS_REJECT_UNAUTHORIZED\s*[=:]/m;
    const hits = files.filter((f) => (/\.(ts|js|mjs)$/.test(f) ? inCode : inConfig).test(read(f)));
    expect(hits).toEqual([]);
  });

  it('the worker warns that the variable is ignored, and only when it is set to 0', () => {
    expect(tlsOverrideWarning({ NODE_TLS_REJECT_UNAUTHORIZED: '0' })).toMatch(/ignored/);
    expect(tlsOverrideWarning({ NODE_TLS_REJECT_UNAUTHORIZED: '1' })).toBeUndefined();
    expect(tlsOverrideWarning({})).toBeUndefined();
  });
});

/** `npm run simulator [topology.json]`: one JSON line when ready, usable as a worker's environments; clean exit. */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';
import { EnvironmentsFile } from '../../domain/environment-config';
import { DEFAULT_IDS } from '../../simulator/api';
import { tempDirs } from '../harness/temp-dir';

const ROOT = path.resolve(__dirname, '../..');
const tempDir = tempDirs();

/** Starts `npm run simulator` in its own process group, so the whole group can be signalled. */
function startProcess(args: string[]): ChildProcess {
  return spawn('npm', ['run', '--silent', 'simulator', '--', ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SIMULATOR_PLAN_DURATION_MS: '50' },
  });
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(line));
    child.once('exit', (code) => reject(new Error(`exited with ${code} before the ready line`)));
  });
}

/** Resolves once every process of the group has closed its output (npm, sh, tsx and node). */
function closed(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('close', (code) => resolve(code)));
}

test('prints the ready line, serves, and exits cleanly on SIGTERM', async () => {
  const child = startProcess([]);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = closed(child);
  let coordinatorUrl = '';
  try {
    const ready = JSON.parse(await firstLine(child));
    expect(ready.ready).toBe(true);
    expect(Object.keys(ready.environments)).toEqual(['ece-a', 'ece-b']);
    const file = EnvironmentsFile.parse({ environments: ready.environments });
    const a = file.environments['ece-a']!;
    coordinatorUrl = a.coordinatorUrl;
    expect(a.elasticsearch.default?.credentials).toMatchObject({ username: 'elastic' });

    const agent = new Agent({ connect: { ca: a.caCert as string } });
    const res = await request(`${a.coordinatorUrl}/api/v1/deployments/${DEFAULT_IDS.a815}`, {
      headers: { authorization: `ApiKey ${a.apiKey as string}` },
      dispatcher: agent,
    });
    expect(res.statusCode).toBe(200);
    await res.body.json();
    await agent.close();
  } finally {
    // As a terminal does: the signal goes to the whole process group (npm does not relay it to tsx).
    process.kill(-child.pid!, 'SIGTERM');
  }
  await done;
  expect(stderr).toContain('SIGTERM: shutting down');
  expect(stderr).toContain('stopped');
  await expect(request(coordinatorUrl, { dispatcher: new Agent({ connect: { timeout: 2000 } }) })).rejects.toThrow();
});

test('a bad topology file exits non-zero naming the field', async () => {
  const dir = tempDir('sim-topology-');
  const file = path.join(dir, 'topology.json');
  writeFileSync(file, JSON.stringify({ environments: { 'ece-x': { proxyCa: 'maybe', deployments: [] } } }));
  const child = startProcess([file]);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  expect(await closed(child)).not.toBe(0);
  expect(stderr).toContain('environments.ece-x.proxyCa');
  expect(stderr).toContain('environments.ece-x.deployments');
});

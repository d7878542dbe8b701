/**
 * No Docker engine runs here: this checks docker-compose.yml and the Dockerfile structurally
 * (parsed with js-yaml) against the code they start.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { SEARCH_ATTRIBUTES } from '../../domain';

const root = join(__dirname, '..', '..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  ports?: string[];
  network_mode?: string;
}
const compose = yaml.load(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;

describe('docker-compose.yml', () => {
  test('has Temporal with PostgreSQL, the Web UI, search attribute registration, simulator, worker and intake', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['intake', 'postgresql', 'register-search-attributes', 'simulator', 'temporal', 'temporal-ui', 'worker'].sort(),
    );
    expect(services.temporal?.image).toMatch(/^temporalio\/auto-setup:/);
    expect(services.temporal?.environment?.DB).toBe('postgres12');
    expect(services['temporal-ui']?.image).toMatch(/^temporalio\/ui:/);
    expect(services['register-search-attributes']?.image).toMatch(/^temporalio\/admin-tools:/);
  });

  test('every service has an image or a build, and every dependency exists', () => {
    for (const [name, service] of Object.entries(services)) {
      expect([name, Boolean(service.image || service.build)]).toEqual([name, true]);
      for (const dep of Object.keys(service.depends_on ?? {})) expect(Object.keys(services)).toContain(dep);
    }
  });

  test('long-running services have health checks; the worker starts after them and the search attributes', () => {
    for (const name of ['postgresql', 'temporal', 'simulator', 'worker', 'intake']) {
      expect([name, (services[name]?.healthcheck?.test.length ?? 0) > 1]).toEqual([name, true]);
    }
    expect(services.worker?.depends_on).toEqual({
      simulator: { condition: 'service_healthy' },
      temporal: { condition: 'service_healthy' },
      'register-search-attributes': { condition: 'service_completed_successfully' },
    });
  });

  test('the registration registers exactly the search attributes the workflow upserts', () => {
    const script = String(services['register-search-attributes']?.command);
    const names = /for name in ([A-Za-z ]+); do/.exec(script)?.[1]?.trim().split(/\s+/);
    expect(names?.sort()).toEqual(Object.values(SEARCH_ATTRIBUTES).sort());
    expect(script).toContain('--type Keyword');
  });

  test('the crosslink services run files that exist, with the configuration mounted', () => {
    for (const name of ['simulator', 'worker', 'intake']) {
      const command = services[name]?.command as string[];
      expect(command.slice(0, 3)).toEqual(['node', '--import', 'tsx']);
      expect(existsSync(join(root, command[3] ?? ''))).toBe(true);
    }
    const worker = services.worker;
    expect(worker?.environment?.CROSSLINK_ENVIRONMENTS).toBe('/config/environments.json');
    expect(worker?.volumes).toContain('crosslink-config:/config:ro');
    expect(services.simulator?.volumes).toContain('crosslink-config:/config');
    expect(services.simulator?.environment?.CROSSLINK_ENVIRONMENTS_OUT).toBe('/config/environments.json');
    expect(worker?.network_mode).toBe('service:simulator');
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['crosslink-config', 'temporal-db']));
  });

  test('the demo sealing key is 32 bytes, and the host CLI defaults reach Temporal and the UI', () => {
    const key = /:-([A-Za-z0-9+/=]+)\}$/.exec(services.worker?.environment?.CROSSLINK_SEALING_KEY ?? '')?.[1] ?? '';
    expect(Buffer.from(key, 'base64').length).toBe(32);
    expect(services.temporal?.ports).toContain('7233:7233');
    expect(services['temporal-ui']?.ports).toContain('8233:8080');
    expect(services.intake?.ports).toContain('8080:8080');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

  test('is node:20, copies folders that exist and builds the workflow bundle', () => {
    expect(dockerfile).toMatch(/^FROM node:20/m);
    for (const [, folder] of dockerfile.matchAll(/^COPY (\S+) \.\/\S*$/gm)) {
      expect([folder, existsSync(join(root, folder ?? ''))]).toEqual([folder, true]);
    }
    expect(dockerfile).toContain('workers/build-bundle.ts');
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});

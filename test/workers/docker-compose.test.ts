/**
 * No Docker engine runs here: this checks docker-compose.yml and the Dockerfile structurally
 * (parsed with js-yaml) against the code they start and the build that compiles it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { loadIntakeConfig } from '../../client/intake/config';

const root = join(__dirname, '..', '..');
const buildConfig = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as {
  include: string[];
  exclude: string[];
};

/** The TypeScript source `npm run build` compiles to `dist/<path>.js`, if the build includes it. */
function compiledFrom(distFile: string): string | undefined {
  const source = /^dist\/(.+)\.js$/.exec(distFile)?.[1];
  if (!source) return undefined;
  const top = source.split('/')[0] ?? '';
  const included =
    buildConfig.include.includes(top) && !buildConfig.exclude.some((e) => `${source}.ts`.startsWith(`${e}/`));
  return included && existsSync(join(root, `${source}.ts`)) ? `${source}.ts` : undefined;
}

/** Images their maintainers no longer update (temporalio/auto-setup: replaced by server + admin-tools). */
const DEPRECATED_IMAGES = [/^temporalio\/auto-setup:/, /^temporalio\/web:/, /^temporalio\/temporalite/, /-tctl-/];

/**
 * Dynamic config keys whose description in the server (go.temporal.io/server
 * common/dynamicconfig/constants.go, v1.31.0) says they are for testing: "This should not be
 * turned on in production." The dev server turns this one on and raises the persistence QPS
 * limits to pay for it (temporalio/cli, temporalcli/commands.server.go).
 */
const TESTING_ONLY_DYNAMIC_CONFIG = ['system.forceSearchAttributesCacheRefreshOnRead'];

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
  test('has Temporal with PostgreSQL, its schema and namespace setup, the Web UI, search attribute registration, simulator, worker and intake', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'intake',
        'postgresql',
        'register-search-attributes',
        'simulator',
        'temporal',
        'temporal-namespace',
        'temporal-schema',
        'temporal-ui',
        'worker',
      ].sort(),
    );
    expect(services.temporal?.image).toMatch(/^temporalio\/server:\d/);
    expect(services.temporal?.environment?.DB).toBe('postgres12');
    expect(services.temporal?.environment?.POSTGRES_SEEDS).toBe('postgresql');
    expect(services.temporal?.depends_on).toEqual({
      'temporal-schema': { condition: 'service_completed_successfully' },
    });
    expect(services['temporal-schema']?.image).toMatch(/^temporalio\/admin-tools:\d/);
    expect(String(services['temporal-schema']?.command)).toContain('postgres12');
    expect(services['temporal-namespace']?.image).toMatch(/^temporalio\/admin-tools:\d/);
    expect(services['temporal-ui']?.image).toMatch(/^temporalio\/ui:\d/);
  });

  test('uses no deprecated image, and pins every third-party image to a version', () => {
    for (const [name, service] of Object.entries(services)) {
      if (!service.image || service.build) continue;
      expect([name, DEPRECATED_IMAGES.filter((re) => re.test(service.image ?? '')).map(String)]).toEqual([name, []]);
      expect([name, /:[\w.-]+$/.test(service.image) && !service.image.endsWith(':latest')]).toEqual([name, true]);
    }
  });

  test('the server and admin-tools versions match, and the dynamic config file it mounts exists', () => {
    const version = (image?: string) => image?.split(':')[1];
    expect(version(services['temporal-schema']?.image)).toBe(version(services.temporal?.image));
    expect(version(services['temporal-namespace']?.image)).toBe(version(services.temporal?.image));
    const mount = services.temporal?.volumes?.[0]?.split(':') ?? [];
    expect(existsSync(join(root, mount[0] ?? ''))).toBe(true);
    expect(services.temporal?.environment?.DYNAMIC_CONFIG_FILE_PATH).toBe(mount[1]?.replace(/^\/etc\/temporal\//, ''));
  });

  test('the dynamic config sets nothing Temporal documents as not for production', () => {
    const mount = services.temporal?.volumes?.[0]?.split(':') ?? [];
    const settings = yaml.load(readFileSync(join(root, mount[0] ?? ''), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(settings).filter((key) => TESTING_ONLY_DYNAMIC_CONFIG.includes(key))).toEqual([]);
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
    expect(services['register-search-attributes']?.depends_on).toEqual({
      'temporal-namespace': { condition: 'service_completed_successfully' },
    });
  });

  test("the search attributes are registered by crosslink's own script, from the contract", () => {
    const register = services['register-search-attributes'];
    expect(register?.build).toBeDefined();
    expect(register?.command).toEqual(['node', 'dist/scripts/register-search-attributes.js']);
    const source = readFileSync(join(root, compiledFrom('dist/scripts/register-search-attributes.js') ?? ''), 'utf8');
    expect(source).toContain('ensureSearchAttributes');
    // Every name is the contract's: none is spelled out in the compose file.
    expect(readFileSync(join(root, 'docker-compose.yml'), 'utf8')).not.toMatch(/CrosslinkState/);
  });

  test('the crosslink services run compiled files with plain node, with the configuration mounted', () => {
    for (const name of ['simulator', 'worker', 'intake', 'register-search-attributes']) {
      const command = services[name]?.command as string[];
      expect([name, command[0], command.length]).toEqual([name, 'node', 2]);
      expect([name, compiledFrom(command[1] ?? '')]).toEqual([name, expect.stringMatching(/\.ts$/)]);
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

  test("the intake's demo secret is one the intake accepts, and its health check is readiness (Temporal answers)", () => {
    const secret = /:-(.+)\}$/.exec(services.intake?.environment?.CROSSLINK_INTAKE_SECRET ?? '')?.[1] ?? '';
    expect(loadIntakeConfig({ CROSSLINK_INTAKE_SECRET: secret }).secrets).toEqual([secret]);
    expect(services.intake?.healthcheck?.test.join(' ')).toContain('/readyz');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^(?=FROM )/m).filter((s) => s.startsWith('FROM '));
  const runtime = stages.at(-1) ?? '';

  test('builds on node:24 in one stage and runs on node:24 in another', () => {
    expect(stages.length).toBe(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:24[-\w.]*(\s|$)/m);
    expect(stages[0]).toMatch(/^RUN npm ci\b/m);
    expect(stages[0]).toMatch(/npm run build/);
    expect(stages[0]).toMatch(/npm prune --omit=dev/);
  });

  test('copies folders that exist; the build stage has what tsconfig.build.json compiles', () => {
    for (const [, folder] of dockerfile.matchAll(/^COPY (\S+) \.\/\S*$/gm)) {
      expect([folder, existsSync(join(root, folder ?? ''))]).toEqual([folder, true]);
    }
    const copied = [...(stages[0] ?? '').matchAll(/^COPY (\S+) \.\/\S*$/gm)].map((m) => m[1]);
    for (const folder of buildConfig.include) expect(copied).toContain(folder);
  });

  test('the runtime stage has dist and production modules only, runs plain node as the node user', () => {
    expect(runtime).toContain('COPY --from=build /app/dist ./dist');
    expect(runtime).toContain('COPY --from=build /app/node_modules ./node_modules');
    expect(runtime).not.toMatch(/tsx|ts-node|--import|--loader|\.ts\b/);
    expect(runtime).toMatch(/^CMD \["node", "dist\/workers\/main\.js"\]$/m);
    expect(compiledFrom('dist/workers/main.js')).toBe('workers/main.ts');
    expect(runtime).toMatch(/^USER node$/m);
  });

  test('no TypeScript loader is a production dependency', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const loader of ['tsx', 'ts-node', 'typescript', 'ts-jest'])
      expect(pkg.dependencies).not.toHaveProperty(loader);
  });
});

describe('scripts/production-topology.sh (compose without Docker)', () => {
  const script = join(root, 'scripts', 'production-topology.sh');
  const stateDir = mkdtempSync(join(tmpdir(), 'crosslink-topology-'));
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync('bash', [script, ...args], {
      encoding: 'utf8',
      // An empty offset means the default one.
      env: {
        ...process.env,
        CROSSLINK_TOPOLOGY_DIR: join(stateDir, 'state'),
        CROSSLINK_TOPOLOGY_PORT_OFFSET: '',
        ...env,
      },
    });

  test('serves the server version compose pins, on loopback ports below the SMALLINT limit', () => {
    const version = services.temporal?.image?.split(':')[1];
    const status = run(['status']);
    expect([status.status, status.stdout]).toEqual([0, expect.stringContaining(`server v${version} from `)]);
    expect(run(['env']).stdout).toBe('export TEMPORAL_ADDRESS=127.0.0.1:27233\nexport TEMPORAL_NAMESPACE=default\n');
  });

  test('refuses ports whose membership port cluster_membership.rpc_port (SMALLINT) cannot hold, before any change', () => {
    const up = run(['up'], { CROSSLINK_TOPOLOGY_PORT_OFFSET: '30000' });
    expect(up.status).toBe(1);
    expect(up.stderr).toContain('membership port 36933 does not fit cluster_membership.rpc_port (SMALLINT');
    expect(existsSync(join(stateDir, 'state'))).toBe(false);
  });
});

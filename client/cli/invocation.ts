/**
 * How to run this CLI again, as its hints print it (`Watch: <invocation> status <id> --watch`), so
 * that a printed command works as printed, also in another terminal: the way this process was
 * started (the installed `crosslink` on PATH, an npm script of the checkout, a file run with node)
 * after the Temporal variables it was given that differ from the defaults. Variables holding
 * secrets (TEMPORAL_API_KEY, TLS key data, gRPC metadata, codec auth) are never printed.
 */
import { accessSync, constants, realpathSync } from 'node:fs';
import { basename, delimiter, isAbsolute, join, relative } from 'node:path';
import { DEFAULT_NAMESPACE, DEFAULT_TEMPORAL_ADDRESS, DEFAULT_UI_URL } from '../temporal-connection';

/** The npm scripts of this package that run the CLI (package.json). */
export const CLI_SCRIPTS: readonly string[] = ['crosslink', 'dev:crosslink'];

/** Temporal variables a hint repeats (none is a secret), with the value that needs no repeating. */
const REPEATED: ReadonlyArray<[name: string, defaults: readonly string[]]> = [
  ['TEMPORAL_ADDRESS', [DEFAULT_TEMPORAL_ADDRESS, '127.0.0.1:7233']],
  ['TEMPORAL_NAMESPACE', [DEFAULT_NAMESPACE]],
  ['TEMPORAL_UI_URL', [DEFAULT_UI_URL, `${DEFAULT_UI_URL}/`]],
  ['TEMPORAL_PROFILE', []],
  ['TEMPORAL_CONFIG_FILE', []],
  ['TEMPORAL_TLS', []],
  ['TEMPORAL_TLS_SERVER_NAME', []],
  ['TEMPORAL_TLS_SERVER_CA_CERT_PATH', []],
  ['TEMPORAL_TLS_CLIENT_CERT_PATH', []],
  ['TEMPORAL_TLS_CLIENT_KEY_PATH', []],
];

export interface InvocationSource {
  env: NodeJS.ProcessEnv;
  /** process.argv[1]: the script node runs. */
  script: string | undefined;
  cwd: string;
}

export function cliInvocation(source: InvocationSource): string {
  return [...temporalAssignments(source.env), commandOf(source)].join(' ');
}

/** `NAME=value` for each Temporal variable set to something other than its default, shell-quoted. */
export function temporalAssignments(env: Record<string, string | undefined>): string[] {
  return REPEATED.flatMap(([name, defaults]) => {
    const value = env[name]?.trim();
    return value && !defaults.includes(value) ? [`${name}=${shellWord(value)}`] : [];
  });
}

function commandOf({ env, script, cwd }: InvocationSource): string {
  const event = env.npm_lifecycle_event;
  if (event && env.npm_package_name === 'crosslink' && CLI_SCRIPTS.includes(event)) return `npm run ${event} --`;
  if (!script || (basename(script) === 'crosslink' && isOnPath(script, env.PATH))) return 'crosslink';
  const rel = relative(cwd, script);
  const shown = shellWord(rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : script);
  return script.endsWith('.ts') ? `npx tsx ${shown}` : `node ${shown}`;
}

/** Whether typing `crosslink` runs `script`: the first `crosslink` on PATH is the same file. */
function isOnPath(script: string, path: string | undefined): boolean {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'crosslink');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    return sameFile(candidate, script);
  }
  return false;
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** A word the shell reads back unchanged. */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

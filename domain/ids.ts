import { z } from 'zod';
import { lazySchema } from './lazy-schema';

/** ECE deployment ids and Elasticsearch cluster ids are 32 lowercase hex characters (docs/sources.md §9). */
export const DeploymentId = lazySchema(() =>
  z.string().regex(/^[a-f0-9]{32}$/, 'must be 32 lowercase hexadecimal characters (an ECE deployment id)'),
);

/** Remote cluster alias: the ECE UI's rule, stricter than the API's (docs/sources.md §4A). */
export const Alias = lazySchema(() =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .regex(/^[a-z0-9_-]+$/, 'must contain only lowercase letters, digits, "-" and "_"'),
);

/** Name of an ECE environment in the worker's environment configuration. */
export const EnvironmentName = lazySchema(() =>
  z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and "-", starting with a letter or digit'),
);

/** Elasticsearch ref_id of a deployment resource, e.g. `main-elasticsearch` (or `_main`). */
export const RefId = lazySchema(() =>
  z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/, 'must be an Elasticsearch ref_id such as "main-elasticsearch"'),
);

/** A person or system that requests or approves: a user name or an e-mail address. */
export const Identity = lazySchema(() =>
  z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/,
      'must be a user name or e-mail address (letters, digits, . _ @ + -)',
    ),
);

/** A duration in Temporal's / `ms` notation: `90s`, `30m`, `24h`, `7d`. */
export const Duration = lazySchema(() =>
  z.string().regex(/^[1-9][0-9]{0,6}(ms|s|m|h|d)$/, 'must be a duration such as "90s", "30m", "24h" or "7d"'),
);

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of a `Duration`; throws on a string the schema would refuse. */
export function durationToMs(duration: string): number {
  const match = /^([0-9]+)(ms|s|m|h|d)$/.exec(duration);
  if (!match) throw new TypeError(`not a duration: ${duration}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** Elasticsearch role name (ES allows more; crosslink keeps to characters safe in any UI and URL). */
export const RoleName = lazySchema(() =>
  z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,99}$/, 'must be 1-100 characters: letters, digits, _ . @ -'),
);

/** Index name or pattern as Elasticsearch accepts it in privileges (wildcards allowed). */
export const IndexPattern = lazySchema(() =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(255, 'must be at most 255 characters')
    .regex(
      /^[^\s"\\/?<>|,#]+$/,
      'must be an index name or pattern without spaces or the characters " \\ / ? < > | , #',
    ),
);

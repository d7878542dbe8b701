/**
 * Transforms and machine learning datafeeds, read-only: what the CCR migration reads to find jobs
 * whose source indices name a remote alias (`<alias>:<index>`). They come from the topology file
 * (docs/simulator.md); the simulator runs no job. Shapes from the spec (transform.get_transform,
 * transform.get_transform_stats, ml.get_datafeeds, ml.get_datafeed_stats), the missing-id messages
 * from the server (TransformMessages, ml Messages).
 */
import { type DatafeedSeed, type TransformSeed } from './ccr-model';
import { simpleMatch } from './index-names';
import { type EsRoute } from './es-ccr';
import { esError } from './es-errors';
import { type Reply, type SimRequest } from './server';
import { type Deployment, type JsonObject } from './state';

/**
 * The ids an expression (`_all`, `*`, a comma list with wildcards) selects, or the first explicit id
 * that matches nothing. `allow_no_match=false` also refuses a wildcard that matches nothing.
 */
function selectIds(
  ids: string[],
  expression: string | undefined,
  allowNoMatch: boolean,
): string[] | { missing: string } {
  if (expression === undefined || expression === '_all' || expression === '*') {
    return ids.length > 0 || allowNoMatch ? [...ids].sort() : { missing: expression ?? '_all' };
  }
  const out = new Set<string>();
  for (const part of expression.split(',').filter(Boolean)) {
    const hits = ids.filter((id) => simpleMatch(part, id));
    if (hits.length === 0 && (!part.includes('*') || !allowNoMatch)) return { missing: part };
    hits.forEach((h) => out.add(h));
  }
  return [...out].sort();
}

const allowNoMatch = (req: SimRequest) => req.query.get('allow_no_match') !== 'false';

/** `from`/`size` paging of the transform APIs (default 0/100). */
function page<T>(items: T[], req: SimRequest): T[] {
  const from = Number(req.query.get('from') ?? 0);
  const size = Number(req.query.get('size') ?? 100);
  return items.slice(from, from + size);
}

const transformMissing = (id: string) =>
  esError(404, 'resource_not_found_exception', `Transform with id [${id}] could not be found`);

function transformView(dep: Deployment, t: TransformSeed): JsonObject {
  return {
    id: t.id,
    source: { index: t.source.index, query: { match_all: {} } },
    dest: { index: t.dest.index },
    frequency: '1m',
    settings: {},
    version: dep.version,
    create_time: 0,
  };
}

function transformsOf(dep: Deployment, req: SimRequest): TransformSeed[] | Reply {
  const selected = selectIds(
    dep.ccr.transforms.map((t) => t.id),
    req.params.transform_id,
    allowNoMatch(req),
  );
  if (!Array.isArray(selected)) return transformMissing(selected.missing);
  return selected.map((id) => dep.ccr.transforms.find((t) => t.id === id)!);
}

function getTransforms(dep: Deployment, req: SimRequest): Reply {
  const found = transformsOf(dep, req);
  if (!Array.isArray(found)) return found;
  return { status: 200, body: { count: found.length, transforms: page(found, req).map((t) => transformView(dep, t)) } };
}

function getTransformStats(dep: Deployment, req: SimRequest): Reply {
  const found = transformsOf(dep, req);
  if (!Array.isArray(found)) return found;
  const stats = page(found, req).map((t) => ({
    id: t.id,
    state: t.state,
    stats: {
      pages_processed: 0,
      documents_processed: 0,
      documents_indexed: 0,
      documents_deleted: 0,
      trigger_count: 0,
      index_time_in_ms: 0,
      index_total: 0,
      index_failures: 0,
      search_time_in_ms: 0,
      search_total: 0,
      search_failures: 0,
      processing_time_in_ms: 0,
      processing_total: 0,
      exponential_avg_checkpoint_duration_ms: 0,
      exponential_avg_documents_indexed: 0,
      exponential_avg_documents_processed: 0,
    },
    checkpointing: { last: { checkpoint: 0 } },
  }));
  return { status: 200, body: { count: found.length, transforms: stats } };
}

const datafeedMissing = (id: string) =>
  esError(404, 'resource_not_found_exception', `No datafeed with id [${id}] exists`);

function datafeedsOf(dep: Deployment, req: SimRequest): DatafeedSeed[] | Reply {
  const selected = selectIds(
    dep.ccr.datafeeds.map((d) => d.datafeed_id),
    req.params.datafeed_id,
    allowNoMatch(req),
  );
  if (!Array.isArray(selected)) return datafeedMissing(selected.missing);
  return selected.map((id) => dep.ccr.datafeeds.find((d) => d.datafeed_id === id)!);
}

function getDatafeeds(dep: Deployment, req: SimRequest): Reply {
  const found = datafeedsOf(dep, req);
  if (!Array.isArray(found)) return found;
  const datafeeds = found.map((d) => ({
    datafeed_id: d.datafeed_id,
    job_id: d.job_id,
    indices: d.indices,
    query: { match_all: { boost: 1 } },
    query_delay: '60s',
    scroll_size: 1000,
    chunking_config: { mode: 'auto' },
    delayed_data_check_config: { enabled: true },
  }));
  return { status: 200, body: { count: datafeeds.length, datafeeds } };
}

function getDatafeedStats(dep: Deployment, req: SimRequest): Reply {
  const found = datafeedsOf(dep, req);
  if (!Array.isArray(found)) return found;
  const datafeeds = found.map((d) => ({
    datafeed_id: d.datafeed_id,
    state: d.state,
    timing_stats: {
      job_id: d.job_id,
      search_count: 0,
      bucket_count: 0,
      total_search_time_ms: 0,
      exponential_average_search_time_per_hour_ms: 0,
    },
  }));
  return { status: 200, body: { count: datafeeds.length, datafeeds } };
}

export function jobRoutes(dep: Deployment): EsRoute[] {
  return [
    { method: 'GET', pattern: '/_transform', id: 'transform.get_transform', handler: (r) => getTransforms(dep, r) },
    {
      method: 'GET',
      pattern: '/_transform/{transform_id}',
      id: 'transform.get_transform',
      handler: (r) => getTransforms(dep, r),
    },
    {
      method: 'GET',
      pattern: '/_transform/{transform_id}/_stats',
      id: 'transform.get_transform_stats',
      handler: (r) => getTransformStats(dep, r),
    },
    // `_stats` before `{datafeed_id}`: the first matching route serves.
    {
      method: 'GET',
      pattern: '/_ml/datafeeds/_stats',
      id: 'ml.get_datafeed_stats',
      handler: (r) => getDatafeedStats(dep, r),
    },
    {
      method: 'GET',
      pattern: '/_ml/datafeeds/{datafeed_id}/_stats',
      id: 'ml.get_datafeed_stats',
      handler: (r) => getDatafeedStats(dep, r),
    },
    { method: 'GET', pattern: '/_ml/datafeeds', id: 'ml.get_datafeeds', handler: (r) => getDatafeeds(dep, r) },
    {
      method: 'GET',
      pattern: '/_ml/datafeeds/{datafeed_id}',
      id: 'ml.get_datafeeds',
      handler: (r) => getDatafeeds(dep, r),
    },
  ];
}

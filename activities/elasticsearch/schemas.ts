import { z } from 'zod';

/** The Elasticsearch responses crosslink reads (ES-SPEC), only the fields used, loose objects. */

export const CrossClusterApiKeyCreated = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  encoded: z.string(),
  expiration: z.number().optional(),
});

export const ApiKeyInfo = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  invalidated: z.boolean().optional(),
  expiration: z.number().nullish(),
  type: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  /** Cross-cluster keys: what they grant (GET returns it for `type: cross_cluster`). */
  access: z.record(z.string(), z.unknown()).nullish(),
});
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;

export const ApiKeyList = z.looseObject({ api_keys: z.array(ApiKeyInfo) });

export const InvalidateApiKeys = z.looseObject({
  invalidated_api_keys: z.array(z.string()).default([]),
  previously_invalidated_api_keys: z.array(z.string()).default([]),
  error_count: z.number().default(0),
});

export const ClusterSettings = z.looseObject({
  persistent: z.record(z.string(), z.unknown()).default({}),
  transient: z.record(z.string(), z.unknown()).default({}),
});

/** `_remote/info` entry of one alias (ClusterRemoteProxyInfo / ClusterRemoteSniffInfo). */
export const RemoteInfoEntry = z.looseObject({
  mode: z.string().optional(),
  connected: z.boolean(),
  proxy_address: z.string().optional(),
  server_name: z.string().optional(),
  num_proxy_sockets_connected: z.number().optional(),
  skip_unavailable: z.boolean().optional(),
  cluster_credentials: z.string().optional(),
});
export type RemoteInfoEntry = z.infer<typeof RemoteInfoEntry>;
export const RemoteInfo = z.record(z.string(), RemoteInfoEntry);

/** `_resolve/cluster` entry of one cluster. */
export const ResolveClusterEntry = z.looseObject({
  connected: z.boolean(),
  skip_unavailable: z.boolean().optional(),
  matching_indices: z.boolean().optional(),
  error: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
});
export type ResolveClusterEntry = z.infer<typeof ResolveClusterEntry>;
export const ResolveCluster = z.record(z.string(), ResolveClusterEntry);

export const RoleMap = z.record(z.string(), z.looseObject({ metadata: z.record(z.string(), z.unknown()).optional() }));
export type RoleMap = z.infer<typeof RoleMap>;

/**
 * Every behaviour docs/sources.md marks UNCONFIRMED, and the choice the simulator makes.
 * Kept in one place so a finding on a real ECE changes one line. docs/simulator.md lists them.
 */
/** The two readings of `null` lists in a deployment update (UNCONFIRMED.nullListsInDeploymentUpdate). */
export type NullListsReading = 'accepted' | 'refused';

/** The UNCONFIRMED choices a simulator can be started with the other reading of, to test both. */
export interface Readings {
  nullListsInDeploymentUpdate: NullListsReading;
}

export const UNCONFIRMED = {
  /** docs/sources.md §2, §11.3: the status and code of a `?version=` mismatch on deployment PUT. */
  deploymentVersionConflict: { status: 409, code: 'deployments.deployment_version_conflict' },
  /** docs/sources.md §1D: a `?version=` mismatch on trust-relationship DELETE. */
  trustRelationshipVersionConflict: { status: 409, code: 'trust_relationships.version_conflict' },
  /** §2: does a trust-only deployment PUT start a plan? Choice: every PUT starts a plan. */
  everyUpdateStartsPlan: true,
  /** Not documented: a deployment PUT while a plan is pending. Choice: refused like a restart is. */
  updateWhilePending: { status: 400, code: 'deployments.deployment_resource_plan_change_error' },
  /** Not documented: the code of a request body that fails the schema. */
  invalidBody: { status: 400, code: 'root.invalid_json_request' },
  /** Not documented: a `/regions/{region}/platform/...` call naming another region. */
  unknownRegion: { status: 404, code: 'regions.region_not_found' },
  /** Not documented: the code of a route the coordinator does not know. */
  unknownRoute: { status: 404, code: 'root.resource_not_found' },
  /** §1: does `trust_by_default` make existing deployments trust the relationship? Choice: no. */
  trustByDefaultCountsForDeployments: false,
  /** §12.5: deleting a relationship deployments still reference. Choice: allowed; the trust then fails. */
  deleteReferencedTrustRelationship: 'allowed' as const,
  /** §4C: removing an absent keystore secret. Choice: a no-op 200. */
  removeAbsentKeystoreSecret: 'no-op' as const,
  /** §12.1: API-key model with a private proxy CA: the UI writes `trust.direct[]` with `type: "proxy"`. */
  privateProxyCaTrust: { type: 'proxy' },
  /** §12.6: `active_only` on GET /_security/api_key: accepted on every simulated version. */
  activeOnlyAllVersions: true,
  /**
   * Elasticsearch: the response Content-Type without a vendor media type. The server code answers
   * JSON with XContentType.JSON's media type; the exact header text (charset or not) is not in the spec.
   */
  esJsonContentType: 'application/json',
  /** Elasticsearch: `format` is in BaseRestHandler's always-supported set but not in the spec's common parameters. */
  esAlwaysAcceptedParams: ['format'] as readonly string[],
  /**
   * Elasticsearch: the ObjectParser name in `[<parser>] unknown field [x]` for bodies whose parser name the
   * sources here do not show, and the `[line:col]` location real messages start with (omitted).
   */
  esUnknownFieldParser: {
    'security.invalidate_api_key': 'invalidate_api_key_request',
    'nodes.reload_secure_settings': 'reload_secure_settings_request',
    'security.create_cross_cluster_api_key': 'create_cross_cluster_api_key_request',
    'security.update_cross_cluster_api_key': 'update_cross_cluster_api_key_request',
    'cluster.put_settings': 'cluster_update_settings_request',
    // Cross-cluster replication request parsers (server PutFollowAction, ResumeFollowAction, PutAutoFollowPatternAction).
    'ccr.follow': 'indices:admin/xpack/ccr/put_follow',
    'ccr.resume_follow': 'cluster:admin/xpack/ccr/resume_follow',
    'ccr.put_auto_follow_pattern': 'put_auto_follow_pattern_request',
  } as Record<string, string>,
  /**
   * §2 "Absent trust": after a deployment PUT with `trust: null` ("reverts the field to the default
   * value"), does GET omit `trust` or return the default materialised? Choice: omitted ('absent');
   * the other reading is 'materialised'. crosslink's undo is correct under both.
   */
  trustAfterNullWrite: 'absent' as 'absent' | 'materialised',
  /**
   * §2 "Absent trust": the default an absent trust stands for. Choice: every deployment of the own
   * account (the documented default); whether it follows the account's `trust.trust_all`
   * (GET /account) when the platform default was changed is not documented.
   */
  absentTrustDefault: 'own-account-trust-all' as const,
  /**
   * A deployment update with `null` for an empty list or an omitted resource (`resources.kibana`,
   * `trust.direct`, `trust_allowlist`, ...), as Elastic's Go SDK sends it: its generated models
   * (`DeploymentUpdateResources`, `ElasticsearchClusterTrustSettings`) have no `omitempty` on lists.
   * The spec types these as optional arrays and says nothing of null. Choice: 'accepted', a null
   * taken as the field omitted (the SDK is Elastic's own client of this API); the other reading is
   * 'refused'. crosslink sends no such null and works under both (test/activities/null-lists.test.ts).
   */
  nullListsInDeploymentUpdate: 'accepted' as NullListsReading,
  /**
   * Cross-cluster replication (docs/sources.md §13): a follow, resume or auto-follow put whose alias
   * is configured but does not connect. The server fails reading the remote cluster state; the
   * exception class (and so type and status) depends on where the connection fails. Choice: 500
   * `connect_transport_exception` with the connection rules' reason; 401 `security_exception` when
   * the remote refused the credentials.
   */
  ccrRemoteConnectFailure: { status: 500, type: 'connect_transport_exception' },
  ccrRemoteAuthenticationFailure: { status: 401, type: 'security_exception' },
  /**
   * §13: `PUT /<index>/_ccr/follow` naming an index that exists. The server's restore refuses it;
   * the exact exception is not in the sources read. Choice: 400 `resource_already_exists_exception`.
   */
  ccrFollowerIndexExists: { status: 400, type: 'resource_already_exists_exception' },
  /**
   * §13: the index privileges the denial message lists for the actions a follower needs on the
   * leader (server IndexPrivilege.findPrivilegesThatGrant); the message wording around them too.
   */
  ccrGrantingPrivileges: {
    'indices:monitor/stats': 'monitor,manage,cross_cluster_replication,all',
    'indices:data/read/xpack/ccr/shard_changes': 'read,cross_cluster_replication,all',
  } as Record<string, string>,
  /**
   * §13: unfollow when the leader's retention lease cannot be removed (remote unreachable): the
   * index is already a regular index; the server wraps the cause in an ElasticsearchException
   * carrying `es.failed_to_remove_retention_leases`. Choice: 500 `exception` with that field.
   */
  ccrUnfollowLeaseFailure: { status: 500, type: 'exception' },
  /**
   * §13: does `PUT _ccr/auto_follow/<name>` over a paused pattern keep it paused? Choice: yes (the
   * pattern keeps its state; a new pattern is active).
   */
  ccrPutKeepsPausedPattern: true,
} as const;

/** The readings a simulator runs with: UNCONFIRMED's choices, or the other reading where asked. */
export function readingsOf(overrides: Partial<Readings> = {}): Readings {
  return { nullListsInDeploymentUpdate: UNCONFIRMED.nullListsInDeploymentUpdate, ...overrides };
}

/** The notification sink with its secret references read (at worker start, like every other secret). */
import { type NotificationsConfig } from '../../domain';
import { webhookKey } from '../../common/webhook-signature';
import { type ReferenceOptions, referenceReader } from '../secret-refs';

export interface ResolvedNotificationSink {
  url: string;
  signingSecret: string;
  caCert?: string;
}

export type ResolveOptions = ReferenceOptions;

export function resolveNotificationSink(
  config: NotificationsConfig,
  opts: ResolveOptions = {},
): ResolvedNotificationSink {
  const { secret, caBundle } = referenceReader(opts);
  const field = 'notifications.sink';
  const signingSecret = secret(config.sink.signingSecret, `${field}.signingSecret`);
  webhookKey(signingSecret, `${field}.signingSecret`);
  const ca = config.sink.caCert;
  return {
    url: config.sink.url,
    signingSecret,
    ...(ca !== undefined ? { caCert: caBundle(ca, `${field}.caCert`) } : {}),
  };
}

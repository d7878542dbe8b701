/** Elasticsearch authentication: Basic with a user, or `ApiKey base64(id:key)` with an active REST key. */
import { esUnauthorized } from './es-errors';
import { type Reply, type SimRequest } from './server';
import { type ApiKey, type Deployment } from './state';

export type Principal = { kind: 'user'; username: string } | { kind: 'api_key'; key: ApiKey };

export function authenticateEs(dep: Deployment, req: SimRequest): Principal | Reply {
  const header = req.headers.authorization ?? '';
  const path = req.path;
  const basic = /^Basic\s+(.+)$/i.exec(header);
  if (basic) {
    const [username = '', ...rest] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
    const user = dep.users[username];
    if (user && user.password === rest.join(':')) return { kind: 'user', username };
    return esUnauthorized(`unable to authenticate user [${username}] for REST request [${path}]`);
  }
  const apiKey = /^ApiKey\s+(.+)$/i.exec(header);
  if (apiKey) {
    const [id = '', secret = ''] = Buffer.from(apiKey[1]!, 'base64').toString('utf8').split(':');
    const key = dep.apiKeys.find((k) => k.id === id);
    if (!key || key.secret !== secret)
      return esUnauthorized(
        `unable to authenticate with provided credentials and anonymous access is not allowed for this request`,
      );
    if (key.type !== 'rest')
      return esUnauthorized(
        `authentication expected API key type of [rest], but API key [${id}] has type [${key.type}]`,
      );
    if (key.invalidated) return esUnauthorized(`api key [${id}] has been invalidated`);
    if (key.expiration !== undefined && key.expiration <= Date.now()) return esUnauthorized(`api key is expired`);
    return { kind: 'api_key', key };
  }
  return esUnauthorized(`missing authentication credentials for REST request [${path}]`);
}

export const isReply = (p: Principal | Reply): p is Reply => 'status' in p;

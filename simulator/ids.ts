import { randomBytes } from 'node:crypto';

/** 32 lowercase hex characters, like ECE's ids. */
export const hexId = () => randomBytes(16).toString('hex');
/** An Elasticsearch-style API key id (20 url-safe characters). */
export const apiKeyId = () => randomBytes(15).toString('base64url');
/** A secret: API key, password. */
export const secret = (bytes = 18) => randomBytes(bytes).toString('base64url');

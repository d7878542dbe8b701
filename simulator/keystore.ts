/** ECE keystore semantics and when Elasticsearch sees a change (docs/sources.md §4, §6). */
import { type KeystoreContents } from './ece-schemas';
import { type Deployment, clone, loadsKeystoreAtOnce } from './state';

/** Partial update: a secret with no value (or null) is removed; values are stored, never returned. */
export function patchKeystore(dep: Deployment, contents: KeystoreContents): void {
  for (const [name, secret] of Object.entries(contents.secrets)) {
    if (secret === null || secret.value === undefined || secret.value === null) {
      delete dep.keystore[name];
      continue;
    }
    const isObject = typeof secret.value === 'object';
    dep.keystore[name] = {
      value: isObject ? JSON.stringify(secret.value) : (secret.value as string),
      as_file: secret.as_file ?? isObject,
    };
  }
  // From 8.14 ECE reloads the keystore at once; before, the nodes see it after the next plan.
  if (loadsKeystoreAtOnce(dep.version)) {
    dep.nodeKeystore = clone(dep.keystore);
    dep.loadedKeystore = clone(dep.keystore);
  }
}

export function redactedKeystore(dep: Deployment): { secrets: Record<string, { as_file: boolean }> } {
  return {
    secrets: Object.fromEntries(Object.entries(dep.keystore).map(([k, v]) => [k, { as_file: v.as_file }])),
  };
}

/** `_nodes/reload_secure_settings`: the nodes load what they see on disk. */
export function reloadSecureSettings(dep: Deployment): void {
  dep.loadedKeystore = clone(dep.nodeKeystore);
}

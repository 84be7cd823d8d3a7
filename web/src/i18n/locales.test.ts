import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import en from './locales/en.json';
import zh from './locales/zh.json';

function keys(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(f) && !f.endsWith('.test.ts') ? [p] : [];
  });
}

const enKeys = new Set(keys(en));
const zhKeys = new Set(keys(zh));

describe('locales', () => {
  it('English and Simplified Chinese have the same keys', () => {
    expect([...enKeys].filter((k) => !zhKeys.has(k))).toEqual([]);
    expect([...zhKeys].filter((k) => !enKeys.has(k))).toEqual([]);
  });

  it('no string is left untranslated or empty', () => {
    const zhFlat = Object.fromEntries(keys(zh).map((k) => [k, k.split('.').reduce<any>((o, p) => o[p], zh)]));
    expect(Object.entries(zhFlat).filter(([, v]) => !String(v).trim())).toEqual([]);
  });

  it('every key the code names exists', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..');
    const used = new Set<string>();
    for (const file of sources(root)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*['`]([^'`$]+)['`]/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(200);
    expect([...used].filter((k) => !enKeys.has(k))).toEqual([]);
  });

  it('the keys built at run time exist for every value they take', () => {
    const families: Record<string, string[]> = {
      'apply.action_': ['created', 'configured', 'unchanged'],
      'config.change_': ['added', 'removed', 'changed'],
      'exec.state_': ['connecting', 'open', 'closed'],
      'live.': ['live', 'polling', 'connecting', 'liveHint', 'pollingHint', 'connectingHint'],
      'nodes.pod_': ['evicted', 'pending', 'notEvicted', 'skipped'],
      'role.': ['owner', 'member', 'viewer', 'admin', 'user'],
      'tokens.expires_': ['24h', '720h', '8760h'],
      'workloads.action_': ['scale', 'restart', 'pause', 'resume', 'rollback', 'image', 'suspend', 'run'],
      'copies.state_': ['Running', 'Succeeded', 'Failed', 'Cancelled'],
      'credentials.type_': ['registry', 'git-token', 'ssh-key', 'alibaba', 'tencent', 'aws', 'kubeconfig', 'oauth-client'],
      'credentials.field_': ['username', 'password', 'token', 'privateKey', 'passphrase', 'knownHosts', 'accessKeyId', 'accessKeySecret', 'secretId', 'secretKey', 'secretAccessKey', 'sessionToken', 'roleArn', 'kubeconfig', 'clientSecret'],
      'registries.type_': ['distribution', 'harbor', 'acr', 'tcr', 'ecr'],
      'registries.credentialHint_': ['distribution', 'harbor', 'acr', 'tcr', 'ecr'],
      'registries.edition_personal_': ['acr', 'tcr'],
      'registries.edition_enterprise_': ['acr', 'tcr'],
      'registries.setting_': ['region', 'instanceId', 'registryId', 'apiEndpoint', 'stsEndpoint'],
      'registries.reason_': ['Unreachable', 'UntrustedCertificate', 'Unauthorized', 'Forbidden', 'NotFound', 'Invalid', 'Failed'],
      'registries.reasonHint_': ['Unreachable', 'UntrustedCertificate', 'Unauthorized', 'Forbidden', 'NotFound', 'Invalid', 'Failed'],
      'registries.filter_': ['namespaces', 'repositories', 'tags'],
      'pullSecrets.state_': ['written', 'pending', 'error'],
      'pullSecrets.kind_': ['namespaces', 'project'],
      'webhooks.source_': ['distribution', 'harbor', 'acr', 'tcr', 'ecr', 'dockerhub'],
      'webhooks.how_': ['distribution', 'harbor', 'acr', 'tcr', 'ecr', 'dockerhub'],
      'webhooks.outcome_': ['accepted', 'duplicate', 'ignored', 'rejected'],
      'pipelines.state_': ['Queueing', 'Pending', 'Building', 'Success', 'Failed', 'Aborted', 'Denied', 'Waiting', 'Skipped'],
      'pipelines.trigger_': ['push', 'pullRequest', 'tag', 'manual', 'cron', 'imagePush'],
      'pipelines.triggerType_': ['Push', 'PullRequest', 'Tag', 'Cron', 'Manual', 'ImagePush'],
      'pipelines.provider_': ['github', 'gitlab', 'gitea', 'git'],
      'pipelines.kind_': ['runScript', 'publishImage', 'applyYaml', 'applyApp'],
      'pipelines.field_': ['image', 'shellScript', 'dockerfilePath', 'buildContext', 'tag', 'registry', 'path', 'namespace', 'cluster', 'catalogTemplate', 'version', 'name', 'targetNamespace'],
      'pipelines.isolation_': ['Process', 'Podman'],
      'pipelines.cache': ['Hit', 'Miss'],
      'kind.': ['deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'workloadcrs', 'pods', 'configmaps', 'secrets', 'services', 'ingresses', 'persistentvolumeclaims', 'events', 'persistentvolumes', 'storageclasses'],
    };
    const missing = Object.entries(families).flatMap(([p, vs]) => vs.map((v) => p + v)).filter((k) => !enKeys.has(k));
    expect(missing).toEqual([]);
  });
});

// The shapes of the credential and registry endpoints
// (internal/api/credentials, internal/api/registries) and their paths.
// Every record route exists globally (admins, /api/v1/...) and per project
// (/api/v1/clusters/{cluster}/projects/{project}/...): a RecordScope says which.

export type CredentialType = 'registry' | 'git-token' | 'ssh-key' | 'alibaba' | 'tencent' | 'aws' | 'kubeconfig' | 'oauth-client';

export interface CredentialField {
  name: string;
  secret: boolean;
  set: boolean;
  /** A public field's value; secret ones are never returned. */
  value?: string;
  /** When a secret field was last set. */
  changedAt?: string;
}

export interface Credential {
  id: number;
  name: string;
  type: CredentialType;
  description?: string;
  cluster?: string;
  project?: string;
  fields: CredentialField[];
  createdBy?: string;
  createdAt: string;
  updatedAt: string;
}

export interface CredentialUsage {
  kind: string;
  name: string;
  cluster?: string;
  project?: string;
  field: string;
}

export type RegistryType = 'distribution' | 'harbor' | 'acr' | 'tcr' | 'ecr';

export interface Registry {
  name: string;
  type: RegistryType;
  endpoint: string;
  settings?: Record<string, string>;
  credentialId?: number;
  pullCredentialId?: number;
  caBundle?: string;
  insecure?: boolean;
  cluster?: string;
  project?: string;
  hasNamespaces: boolean;
  createdBy?: string;
  createdAt: string;
  updatedAt: string;
}

/** One page of a registry listing; continue is absent on the last. */
export interface RegistryPage<T> {
  items: T[];
  continue?: string;
  total?: number;
}

export interface RegistryNamespace {
  name: string;
  repositories?: number;
  public?: boolean;
  createdAt?: string;
}

export interface RegistryRepository {
  name: string;
  namespace?: string;
  tags?: number;
  updatedAt?: string;
}

export interface ImagePlatform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface ImageTag {
  name: string;
  digest?: string;
  mediaType?: string;
  size?: number;
  pushedAt?: string;
  platforms: ImagePlatform[];
}

export interface ImageRef {
  registry: string;
  repository: string;
  /** Source: a tag or digest. */
  reference?: string;
  /** Target: the tag written last. */
  tag?: string;
}

export type CopyState = 'Running' | 'Succeeded' | 'Failed' | 'Cancelled';

export interface CopyJob {
  id: string;
  from: ImageRef;
  to: ImageRef;
  state: CopyState;
  message?: string;
  digest?: string;
  totalBytes: number;
  completeBytes: number;
  startedBy: string;
  startedAt: string;
  finishedAt?: string;
}

export interface PullSecretStatus {
  namespace: string;
  writtenAt?: string;
  expiresAt?: string;
  error?: string;
}

export interface PullSecret {
  id: number;
  cluster: string;
  project?: string;
  namespace?: string;
  secretName: string;
  createdBy?: string;
  createdAt: string;
  status: PullSecretStatus[];
}

export type WebhookSource = 'harbor' | 'acr' | 'dockerhub' | 'tcr' | 'distribution' | 'ecr';

export interface RegistryWebhook {
  id: number;
  name: string;
  source: WebhookSource;
  /** The endpoint to notify, on this server. */
  path: string;
  tokenPrefix: string;
  /** The token: only in the answer to the create. */
  token?: string;
  howToSend: string;
  createdBy?: string;
  createdAt: string;
}

export interface WebhookDelivery {
  id: number;
  time: string;
  outcome: 'accepted' | 'duplicate' | 'ignored' | 'rejected';
  status: number;
  reason?: string;
  repository?: string;
  tag?: string;
  digest?: string;
}

export interface RegistryTestResult {
  ok: boolean;
  message: string;
}

/** Where records live: the whole platform, or one project of a cluster. */
export interface RecordScope {
  cluster?: string;
  project?: string;
}

export const globalScope: RecordScope = {};

const e = encodeURIComponent;

/** scopeBase is the API prefix of a record scope. */
export function scopeBase(s: RecordScope): string {
  return s.cluster && s.project ? `/api/v1/clusters/${e(s.cluster)}/projects/${e(s.project)}` : '/api/v1';
}

/** The API paths of the credential and registry records of a scope. */
export const recordPaths = (s: RecordScope) => {
  const base = scopeBase(s);
  const reg = (r: string) => `${base}/registries/${e(r)}`;
  return {
    credentials: `${base}/credentials`,
    credential: (id: number) => `${base}/credentials/${id}`,
    registries: `${base}/registries`,
    registry: reg,
    copies: `${base}/copies`,
    copy: (id: string) => `${base}/copies/${e(id)}`,
    pullSecrets: (r: string) => `${reg(r)}/pullsecrets`,
    webhooks: (r: string) => `${reg(r)}/webhooks`,
  };
};

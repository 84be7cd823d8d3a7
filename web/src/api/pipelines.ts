// The pipelines of a project: the devops.wheelhouse.dev objects the server
// keeps in the project's namespace of the management cluster, read and
// written as the Kubernetes objects they are, and the actions on them.
import { query } from './client';

const e = encodeURIComponent;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
}

export interface KCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface KList<T> {
  items: T[];
  /** resourceVersion: where the list's watch begins. */
  metadata?: { resourceVersion?: string };
}

export type ProviderType = 'github' | 'gitlab' | 'gitea' | 'git';

export interface SourceCodeProvider {
  metadata: ObjectMeta;
  spec: {
    type: ProviderType;
    host?: string;
    enabled?: boolean;
    tls?: { insecureSkipVerify?: boolean; caCertificates?: string };
    /** The forge's OAuth application: accounts connect by signing in there. */
    oauth?: { clientID: string; clientSecret: { id: number }; scopes?: string[] };
  };
  status?: { conditions?: KCondition[] };
}

export interface SourceCodeCredential {
  metadata: ObjectMeta;
  spec: { provider: string; userName: string; login?: string; displayName?: string };
  status?: { conditions?: KCondition[] };
}

export interface SourceCodeRepository {
  metadata: ObjectMeta;
  spec: { url: string; defaultBranch?: string; provider: string; credential?: string; permissions?: { pull?: boolean; push?: boolean; admin?: boolean } };
  status?: { conditions?: KCondition[] };
}

/** RemoteRepository is a repository a connected account reaches at its forge. */
export interface RemoteRepository {
  fullName: string;
  cloneURL: string;
  htmlURL?: string;
  defaultBranch?: string;
  private: boolean;
  permissions: { pull?: boolean; push?: boolean; admin?: boolean };
}

export interface BranchCondition {
  include?: string[];
  exclude?: string[];
}

export interface PipelineTriggers {
  push?: boolean;
  pullRequest?: boolean;
  tag?: boolean;
  manual?: boolean;
  cron?: { schedule?: string; branch?: string; timeZone?: string };
  imagePush?: { registry?: string; repository?: string; tag?: string; branch?: string };
}

export type ExecutionState = 'Queueing' | 'Pending' | 'Building' | 'Success' | 'Failed' | 'Aborted' | 'Denied';
export type StepState = 'Waiting' | 'Building' | 'Success' | 'Failed' | 'Skipped' | 'Aborted';

export interface ExecutionSummary {
  name: string;
  runNumber: number;
  state: ExecutionState;
  branch?: string;
  commit?: string;
  started?: string;
  ended?: string;
}

export interface Pipeline {
  metadata: ObjectMeta;
  spec: {
    repository: string;
    branches?: BranchCondition;
    triggers?: PipelineTriggers;
    targetCluster?: string;
    configPath?: string;
    suspend?: boolean;
  };
  status?: { conditions?: KCondition[]; lastExecution?: ExecutionSummary; nextRun?: number };
}

export interface StepStatus {
  name: string;
  state: StepState;
  started?: string;
  ended?: string;
  exitCode?: number;
  message?: string;
  cache?: { key: string; result: 'Hit' | 'Miss' };
  node?: string;
}

export interface StageStatus {
  name: string;
  state: StepState;
  started?: string;
  ended?: string;
  steps?: StepStatus[];
}

export interface PipelineExecution {
  metadata: ObjectMeta;
  spec: {
    pipeline: string;
    runNumber: number;
    trigger: string;
    triggeredBy?: string;
    rerunOf?: string;
    repositoryURL?: string;
    commit?: string;
    branch?: string;
    tag?: string;
    event: string;
    author?: string;
    message?: string;
    config: { stages: { name: string; steps: { name: string }[] }[] };
    abort?: boolean;
  };
  status?: { state?: ExecutionState; message?: string; started?: string; ended?: string; stages?: StageStatus[]; conditions?: KCondition[] };
}

export interface PipelineSetting {
  metadata: ObjectMeta;
  spec: {
    executorQuota?: number;
    isolation?: 'Process' | 'Podman';
    defaultTimeout?: string;
    executor?: { cpuRequest?: string; cpuLimit?: string; memoryRequest?: string; memoryLimit?: string };
  };
  status?: { building?: number; queueing?: number };
}

export interface FileProblem {
  line?: number;
  column?: number;
  field?: string;
  message: string;
}

export interface PipelineFile {
  path: string;
  branch: string;
  content: string;
  sha?: string;
  exists: boolean;
  problems?: FileProblem[];
}

/** pipelinePaths are the API paths of one project's pipelines. */
export function pipelinePaths(cluster: string, project: string) {
  const base = `/api/v1/clusters/${e(cluster)}/projects/${e(project)}`;
  return {
    providers: `${base}/source-code-providers`,
    provider: (n: string) => `${base}/source-code-providers/${e(n)}`,
    connect: (n: string) => `${base}/source-code-providers/${e(n)}/connect`,
    authorize: (n: string, redirectURI: string) => `${base}/source-code-providers/${e(n)}/authorize${query({ redirectURI })}`,
    oauthCallback: (n: string) => `${base}/source-code-providers/${e(n)}/oauth-callback`,
    credentials: `${base}/source-code-credentials`,
    remoteRepos: (credential: string) => `${base}/source-code-credentials/${e(credential)}/repositories`,
    repositories: `${base}/source-code-repositories`,
    repository: (n: string) => `${base}/source-code-repositories/${e(n)}`,
    settings: `${base}/pipeline-settings`,
    setting: (n: string) => `${base}/pipeline-settings/${e(n)}`,
    pipelines: `${base}/pipelines`,
    pipeline: (n: string) => `${base}/pipelines/${e(n)}`,
    run: (n: string) => `${base}/pipelines/${e(n)}/run`,
    file: (n: string, branch?: string) => `${base}/pipelines/${e(n)}/file${query({ branch })}`,
    executions: (pipeline?: string) => `${base}/pipeline-executions${query({ pipeline })}`,
    execution: (n: string) => `${base}/pipeline-executions/${e(n)}`,
    abort: (n: string) => `${base}/pipeline-executions/${e(n)}/abort`,
    rerun: (n: string) => `${base}/pipeline-executions/${e(n)}/rerun`,
    log: (n: string, stage: number, step: number, opts: { follow?: boolean; offset?: number } = {}) =>
      `${base}/pipeline-executions/${e(n)}/logs${query({ stage, step, follow: opts.follow || undefined, offset: opts.offset || undefined })}`,
  };
}

/** newestFirst orders executions as the server lists them: newest first. */
export function newestFirst(a: PipelineExecution, b: PipelineExecution): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? 1 : -1;
  return b.spec.runNumber - a.spec.runNumber;
}

/** finished reports whether an execution state is final. */
export function finished(s?: ExecutionState): boolean {
  return s === 'Success' || s === 'Failed' || s === 'Aborted' || s === 'Denied';
}

/** stateColor is the antd Tag colour of an execution, stage or step state. */
export function stateColor(s?: string): string {
  switch (s) {
    case 'Success':
      return 'success';
    case 'Failed':
    case 'Denied':
      return 'error';
    case 'Building':
    case 'Pending':
      return 'processing';
    case 'Queueing':
    case 'Aborted':
      return 'warning';
    default:
      return 'default';
  }
}

/** duration is the time from start to end (or to now) as "1m 05s". */
export function duration(start?: string, end?: string, now = Date.now()): string {
  if (!start) return '';
  const ms = (end ? Date.parse(end) : now) - Date.parse(start);
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** shortCommit is the first 8 characters of a commit id. */
export const shortCommit = (c?: string) => (c ? c.slice(0, 8) : '');

/** utf8Length is the number of bytes s takes in UTF-8. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * logChunk restores the text of one 'log' event. The server sends a chunk
 * as data lines, which drops its trailing line break; the event's id is the
 * offset after the chunk, so the bytes missing from the data are the break.
 */
export function logChunk(data: string, from: number, to: number): string {
  const missing = to - from - utf8Length(data);
  if (missing >= 2) return data + '\r\n';
  if (missing === 1) return data + '\n';
  return data;
}

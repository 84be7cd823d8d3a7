// The shapes of the chart repository endpoints (internal/api/chartrepos)
// and their paths, global (admins) or per project like the other records.
import { scopeBase, type RecordScope } from './registries';

export type ChartRepoType = 'http' | 'oci';

export interface ChartRepoStatus {
  /** When a refresh last succeeded; absent: never. */
  refreshedAt?: string;
  changedAt?: string;
  digest?: string;
  /** Why the last refresh failed; absent when it succeeded. */
  lastError?: string;
}

export interface ChartRepo {
  name: string;
  type: ChartRepoType;
  url: string;
  credentialId?: number;
  caBundle?: string;
  insecure?: boolean;
  /** Its own refresh interval; absent: the default. */
  refreshSeconds?: number;
  /** How often it is refreshed, as a Go duration ("1h0m0s"). */
  refreshInterval: string;
  cluster?: string;
  project?: string;
  status: ChartRepoStatus;
  createdBy?: string;
  createdAt: string;
  updatedAt: string;
}

export interface RepoChart {
  name: string;
  version: string;
  appVersion?: string;
  description?: string;
  icon?: string;
  keywords?: string[];
  deprecated?: boolean;
  versions: number;
}

export interface RepoChartVersion {
  version: string;
  appVersion?: string;
  description?: string;
  kubeVersion?: string;
  created?: string;
  digest?: string;
  deprecated?: boolean;
}

export interface RefreshResult {
  changed: boolean;
  repository: ChartRepo;
}

const e = encodeURIComponent;

/** The API paths of a scope's chart repositories. */
export const chartRepoPaths = (s: RecordScope) => {
  const list = `${scopeBase(s)}/chart-repositories`;
  const repo = (r: string) => `${list}/${e(r)}`;
  return {
    list,
    repo,
    refresh: (r: string) => `${repo(r)}/refresh`,
    charts: (r: string) => `${repo(r)}/charts`,
    versions: (r: string, chart: string) => `${repo(r)}/charts/${e(chart)}/versions`,
  };
};

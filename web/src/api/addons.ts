// The shapes of the add-on endpoints (internal/api/addons) and their paths:
// the chart catalog (global for admins, per project for its members) and
// the Helm releases of a cluster with their background operations.
import { scopeBase, type RecordScope } from './registries';

export interface CatalogChart {
  /** Absent for the built-in catalog. */
  repository?: string;
  name: string;
  version: string;
  appVersion?: string;
  description?: string;
  icon?: string;
  keywords?: string[];
  deprecated?: boolean;
}

export interface Catalog {
  items: CatalogChart[];
  /** Repositories whose charts could not be read. */
  problems?: string[];
}

export interface ChartVersion {
  version: string;
  appVersion?: string;
  created?: string;
  deprecated?: boolean;
}

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  required?: string[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  $ref?: string;
  definitions?: Record<string, JsonSchema>;
  $defs?: Record<string, JsonSchema>;
  writeOnly?: boolean;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  minLength?: number;
}

export interface ChartDetail extends CatalogChart {
  home?: string;
  sources?: string[];
  versions: ChartVersion[];
  readme?: string;
  /** values.yaml as written, comments included. */
  values: string;
  valuesSchema?: JsonSchema;
}

export type OperationState = 'Running' | 'Succeeded' | 'Failed';

export interface Operation {
  id: string;
  action: 'install' | 'upgrade' | 'rollback' | 'repair' | 'uninstall';
  cluster: string;
  namespace: string;
  release: string;
  state: OperationState;
  message?: string;
  revision?: number;
  resourcesReady: number;
  resourcesTotal: number;
  startedBy: string;
  startedAt: string;
  finishedAt?: string;
}

export interface Release {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  description?: string;
  chart: string;
  chartVersion: string;
  appVersion?: string;
  /** The chart repository the chart came from; absent: the built-in catalog (or another client's release). */
  repository?: string;
  updated: string;
  managedByWheelhouse: boolean;
  operation?: Operation;
}

export interface ReleaseResource {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** kstatus: Current, InProgress, Failed, Terminating, NotFound, Unknown. */
  status: string;
  message?: string;
}

export type Values = Record<string, unknown>;

export interface ReleaseDetail extends Release {
  values: Values;
  notes?: string;
  resources: ReleaseResource[];
  ready: boolean;
}

export interface Revision {
  revision: number;
  status: string;
  description?: string;
  chart: string;
  chartVersion: string;
  appVersion?: string;
  updated: string;
}

export interface ObjectDiff {
  kind: string;
  namespace?: string;
  name: string;
  change: 'added' | 'removed' | 'changed';
  diff: string;
}

export interface Plan {
  current: Revision;
  next: Revision;
  values: Values;
  diff: ObjectDiff[];
}

export interface Drift {
  revision: number;
  drifted: boolean;
  objects: ObjectDiff[];
}

export interface ChartRef {
  repository?: string;
  name: string;
  version?: string;
}

/** What secret-named values read as; sent back, the stored value is kept. */
export const HIDDEN = '(hidden)';

const e = encodeURIComponent;

/** The catalog's paths in a scope: global (admins) or a project's. */
export const catalogPaths = (s: RecordScope) => ({
  charts: `${scopeBase(s)}/addon-charts`,
  chart: (name: string) => `${scopeBase(s)}/addon-charts/${e(name)}`,
});

/** The release paths of a cluster. */
export const releasePaths = (cluster: string) => {
  const ns = (n: string) => `/api/v1/clusters/${e(cluster)}/namespaces/${e(n)}/releases`;
  const rel = (n: string, r: string) => `${ns(n)}/${e(r)}`;
  return {
    all: `/api/v1/clusters/${e(cluster)}/releases`,
    ns,
    release: rel,
    history: (n: string, r: string) => `${rel(n, r)}/history`,
    revision: (n: string, r: string, rev: number) => `${rel(n, r)}/revisions/${rev}`,
    drift: (n: string, r: string) => `${rel(n, r)}/drift`,
    plan: (n: string, r: string) => `${rel(n, r)}/plan`,
    rollback: (n: string, r: string) => `${rel(n, r)}/rollback`,
    repair: (n: string, r: string) => `${rel(n, r)}/repair`,
    operation: (n: string, r: string) => `${rel(n, r)}/operation`,
  };
};

// The console's URLs, in one place: every page has its own, so a link can be
// shared and opens the same view.

const e = encodeURIComponent;
const qs = (q: Record<string, string | undefined>) => {
  const p = new URLSearchParams(Object.entries(q).filter((kv): kv is [string, string] => !!kv[1])).toString();
  return p ? `?${p}` : '';
};

export const links = {
  clusters: () => '/clusters',
  cluster: (c: string) => `/clusters/${e(c)}`,
  clusterSection: (c: string, section: string) => `/clusters/${e(c)}/${section}`,
  node: (c: string, n: string) => `/clusters/${e(c)}/nodes/${e(n)}`,
  namespace: (c: string, ns: string) => `/clusters/${e(c)}/namespaces/${e(ns)}`,
  project: (c: string, p: string) => `/clusters/${e(c)}/projects/${e(p)}`,
  /** A namespaced list: ns "_all" lists every namespace where the server can. */
  nsList: (c: string, ns: string, kind: string) => `/clusters/${e(c)}/ns/${e(ns)}/${kind}`,
  nsObject: (c: string, ns: string, kind: string, name: string) => `/clusters/${e(c)}/ns/${e(ns)}/${kind}/${e(name)}`,
  create: (c: string, ns: string, kind: string) => `/clusters/${e(c)}/ns/${e(ns)}/${kind}/-/new`,
  podLogs: (c: string, ns: string, pod: string) => `/clusters/${e(c)}/ns/${e(ns)}/pods/${e(pod)}/logs`,
  podExec: (c: string, ns: string, pod: string) => `/clusters/${e(c)}/ns/${e(ns)}/pods/${e(pod)}/exec`,
  kinds: (c: string) => `/clusters/${e(c)}/resources`,
  kind: (c: string, g: string, v: string, r: string) => `/clusters/${e(c)}/resources/${e(g)}/${e(v)}/${e(r)}`,
  kindObject: (c: string, g: string, v: string, r: string, name: string, ns?: string) =>
    `/clusters/${e(c)}/resources/${e(g)}/${e(v)}/${e(r)}/${e(name)}${ns ? `?namespace=${e(ns)}` : ''}`,
  apply: (c: string) => `/clusters/${e(c)}/apply`,
  users: () => '/users',
  tokens: () => '/tokens',
  audit: () => '/audit',
  credentials: () => '/credentials',
  registries: () => '/registries',
  registry: (r: string) => `/registries/${e(r)}`,
  search: (q: string) => `/search?q=${e(q)}`,
  /** The add-on catalog; a project's for its members (scope in the query). */
  addons: (scope: { cluster?: string; project?: string } = {}) => `/addons${qs(scope)}`,
  addonChart: (name: string, q: { repository?: string; version?: string; cluster?: string; project?: string } = {}) => `/addons/charts/${e(name)}${qs(q)}`,
  /** The chart repositories; a project's for its members (scope in the query). */
  chartRepos: (scope: { cluster?: string; project?: string } = {}) => `/chart-repositories${qs(scope)}`,
  chartRepo: (name: string, scope: { cluster?: string; project?: string } = {}) => `/chart-repositories/${e(name)}${qs(scope)}`,
  releases: (c: string) => `/clusters/${e(c)}/releases`,
  /** A project's pipelines (its scope in the query, like the catalog's). */
  pipelines: (scope: { cluster?: string; project?: string } = {}) => `/pipelines${qs(scope)}`,
  pipelineNew: (c: string, p: string) => `/clusters/${e(c)}/projects/${e(p)}/pipelines/-/new`,
  pipeline: (c: string, p: string, name: string, tab?: string) => `/clusters/${e(c)}/projects/${e(p)}/pipelines/${e(name)}${qs({ tab })}`,
  pipelineExecution: (c: string, p: string, name: string) => `/clusters/${e(c)}/projects/${e(p)}/pipeline-executions/${e(name)}`,
  pipelineSettings: (c: string, p: string) => `/clusters/${e(c)}/projects/${e(p)}/pipeline-settings`,
  release: (c: string, ns: string, r: string) => `/clusters/${e(c)}/ns/${e(ns)}/releases/${e(r)}`,
};

/** The API path of a cluster, and of a namespace in it. */
export const apiCluster = (c: string) => `/api/v1/clusters/${e(c)}`;
export const apiNs = (c: string, ns: string) => `/api/v1/clusters/${e(c)}/namespaces/${e(ns)}`;

/** The kinds listed per namespace in the console, as their URL segments. */
export const namespacedKinds = [
  'deployments',
  'statefulsets',
  'daemonsets',
  'jobs',
  'cronjobs',
  'workloadcrs',
  'pods',
  'configmaps',
  'secrets',
  'services',
  'ingresses',
  'persistentvolumeclaims',
  'events',
] as const;


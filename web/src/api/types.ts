// The shapes of the API's answers that the console reads (see /openapi.json).

export type StrMap = Record<string, string>;

export interface User {
  username: string;
  role: string;
  displayName?: string;
  email?: string;
  disabled?: boolean;
  createdAt?: string;
  lastLoginAt?: string;
}

export interface ResourceSet {
  cpuMillis: number;
  memoryBytes: number;
  pods: number;
}

export interface ClusterEvent {
  type: string;
  reason: string;
  message: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
}

export interface Cluster {
  name: string;
  displayName?: string;
  provider: string;
  phase: string;
  message?: string;
  since?: string;
  kubernetesVersion?: string;
  server?: string;
  labels?: StrMap;
  createdAt: string;
  createdBy?: string;
  resources?: {
    nodes: number;
    readyNodes: number;
    pods: number;
    capacity: ResourceSet;
    allocatable: ResourceSet;
    requested: ResourceSet;
    usage?: { cpuMillis: number; memoryBytes: number; nodes: number; collectedAt: string };
  };
  events?: ClusterEvent[] | null;
  /** What the stored credentials let Wheelhouse do for its users; absent while not connected. */
  access?: { impersonation: 'checking' | 'supported' | 'unsupported'; message?: string };
}

export interface NodeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface Node {
  name: string;
  status: string;
  roles: string[];
  unschedulable: boolean;
  labels?: StrMap;
  taints?: Taint[];
  conditions?: NodeCondition[];
  addresses?: { type: string; address: string }[];
  versions?: { kubelet?: string; osImage?: string; containerRuntime?: string; architecture?: string };
  capacity?: StrMap;
  allocatable?: StrMap;
  podCount: number;
  requested?: { cpu: string; cpuPercent: number; memory: string; memoryPercent: number; pods: number; podsPercent: number };
  usage?: { cpu: string; cpuPercent: number; memory: string; memoryPercent: number };
  creationTimestamp: string;
  pods?: { name: string; namespace: string; phase: string; cpu?: string; memory?: string; controllerKind?: string; controllerName?: string }[];
}

export interface DrainPod {
  name: string;
  namespace: string;
  reason?: string;
}

export interface NodeDrain {
  id: string;
  node: string;
  state: string;
  message?: string;
  startedAt: string;
  finishedAt?: string;
  evicted?: DrainPod[];
  pending?: DrainPod[];
  notEvicted?: DrainPod[];
  skipped?: DrainPod[];
}

export interface Namespace {
  name: string;
  phase: string;
  labels?: StrMap;
  annotations?: StrMap;
  creationTimestamp: string;
}

export interface QuotaUsage {
  resource: string;
  hard: string;
  used: string;
  percent: number;
}

export interface ResourceQuota {
  name: string;
  namespace: string;
  hard: StrMap;
  used?: StrMap;
  usage?: QuotaUsage[];
  scopes?: string[] | null;
}

export interface LimitRange {
  name: string;
  namespace: string;
  limits: { type: string; max?: StrMap; min?: StrMap; default?: StrMap; defaultRequest?: StrMap }[];
}

export interface NamespaceDetail extends Namespace {
  counts?: Record<string, number>;
  quotas?: ResourceQuota[];
}

export interface Member {
  username: string;
  role: string;
}

export interface Project {
  name: string;
  cluster: string;
  displayName?: string;
  description?: string;
  namespaces?: string[];
  quota?: StrMap;
  namespaceQuota?: StrMap;
  members?: Member[];
  createdAt?: string;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface Workload {
  kind: string;
  name: string;
  namespace: string;
  status: string;
  images?: string[];
  labels?: StrMap;
  paused?: boolean;
  replicas?: { desired: number; current: number; ready: number; updated: number; available: number };
  job?: { active: number; succeeded: number; failed: number; completions?: number };
  cronJob?: { schedule: string; suspend: boolean; lastScheduleTime?: string; active?: number };
  conditions?: Condition[];
  creationTimestamp: string;
  resourceVersion: string;
  ageSeconds?: number;
}

export interface WorkloadDetail extends Workload {
  spec: import('../pages/workloads/workloadForm').WorkloadSpec;
  pods?: { name: string; phase: string; ready: string; restarts: number; nodeName?: string; podIP?: string; revision?: string }[];
  revisions?: { name: string; revision: number; images?: string[]; replicas?: number; current?: boolean; creationTimestamp: string; changeCause?: string }[];
  events?: KubeEvent[];
}

export interface KubeEvent {
  name?: string;
  namespace?: string;
  type: string;
  reason: string;
  message: string;
  count: number;
  lastTimestamp: string;
  involvedObject?: { kind: string; name: string };
}

export interface PodContainer {
  name: string;
  image: string;
  state: string;
  ready: boolean;
  restartCount: number;
  reason?: string;
}

export interface Pod {
  name: string;
  namespace: string;
  phase: string;
  ready: string;
  restarts: number;
  node?: string;
  podIPs?: string[] | null;
  owner?: { kind: string; name: string };
  containers: PodContainer[];
  ageSeconds: number;
  creationTimestamp: string;
  deleting?: boolean;
  reason?: string;
  labels?: StrMap;
  qosClass?: string;
  events?: KubeEvent[];
}

export interface ConfigMeta {
  name: string;
  namespace: string;
  labels?: StrMap;
  creationTimestamp: string;
  resourceVersion: string;
  keys?: string[];
}

export interface ConfigMapDetail extends ConfigMeta {
  data?: StrMap;
  binaryData?: StrMap;
}

export interface SecretDetail extends Omit<ConfigMeta, 'keys'> {
  type: string;
  keys: { key: string; size: number }[];
  data?: StrMap;
  revealed: boolean;
}

export interface ConfigVersion {
  version: number;
  change: string;
  createdAt: string;
  createdBy: string;
  keys?: string[];
  rollbackOf?: number;
}

export interface ConfigVersionDetail extends ConfigVersion {
  data?: StrMap;
}

export interface ConfigKeyChange {
  key: string;
  change: 'added' | 'removed' | 'changed';
  from?: string;
  to?: string;
  base64?: boolean;
}

export interface ConfigDiff {
  from: number;
  to: number;
  changes: ConfigKeyChange[];
  revealed?: boolean;
}

export interface Service {
  name: string;
  namespace: string;
  type: string;
  clusterIP?: string;
  selector?: StrMap;
  ports?: { name?: string; port: number; targetPort?: string; protocol?: string; nodePort?: number }[];
  createdAt: string;
}

export interface Ingress {
  name: string;
  namespace: string;
  className?: string;
  rules?: { host?: string; paths?: { path: string; pathType: string; service: string; port: string }[] }[] | null;
  addresses?: string[] | null;
  createdAt: string;
}

export interface StorageClass {
  name: string;
  provisioner: string;
  reclaimPolicy: string;
  volumeBindingMode: string;
  allowVolumeExpansion: boolean;
  default: boolean;
  createdAt: string;
}

export interface PersistentVolume {
  name: string;
  capacity: string;
  accessModes: string[];
  storageClassName?: string;
  reclaimPolicy: string;
  phase: string;
  claim?: string;
  source?: string;
  createdAt: string;
}

export interface PersistentVolumeClaim {
  name: string;
  namespace: string;
  phase: string;
  request: string;
  capacity?: string;
  storageClassName?: string;
  volumeName?: string;
  accessModes: string[];
  createdAt: string;
}

export interface Kind {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[] | null;
}

export interface SearchHit {
  cluster: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface Token {
  id: number;
  name: string;
  kind: string;
  prefix: string;
  createdAt: string;
  expiresAt?: string;
  lastUsedAt?: string;
  revokedAt?: string;
  current?: boolean;
}

export interface AuditEntry {
  id: number;
  time: string;
  username: string;
  action: string;
  method: string;
  target: string;
  outcome: string;
  statusCode: number;
  sourceAddr: string;
  requestId: string;
}

export interface ApplyDocResult {
  index: number;
  kind: string;
  name: string;
  namespace?: string;
  action: string;
  diff?: string;
}

export interface List<T> {
  items: T[];
  continue?: string;
  total?: number;
}

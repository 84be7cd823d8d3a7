// The create-workload form's values and their translation into the API's
// structured WorkloadSpec (POST .../{kind}).

export interface WorkloadContainer {
  name: string;
  image: string;
  command?: string[] | null;
  args?: string[] | null;
  ports?: { containerPort: number; name?: string; protocol?: string }[] | null;
  env?: { name: string; value?: string }[] | null;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

export interface WorkloadSpec {
  name: string;
  labels?: Record<string, string>;
  replicas?: number;
  containers: WorkloadContainer[];
  cronJob?: { schedule: string };
  job?: { completions?: number; parallelism?: number; backoffLimit?: number };
  resourceVersion?: string;
}

export type WorkloadKind = 'deployments' | 'statefulsets' | 'daemonsets' | 'jobs' | 'cronjobs';

export const workloadKinds: WorkloadKind[] = ['deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs'];

export interface WorkloadFormValues {
  name: string;
  labels?: string;
  replicas?: number;
  containerName?: string;
  image: string;
  command?: string;
  args?: string;
  ports?: string;
  env?: { name?: string; value?: string }[];
  cpuRequest?: string;
  memoryRequest?: string;
  cpuLimit?: string;
  memoryLimit?: string;
  schedule?: string;
  completions?: number;
}

/** parseLabels reads `a=b, c=d` (commas or new lines) into a map. */
export function parseLabels(text: string | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const part of (text ?? '').split(/[,\n]/)) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    out[eq < 0 ? p : p.slice(0, eq).trim()] = eq < 0 ? '' : p.slice(eq + 1).trim();
  }
  return Object.keys(out).length ? out : undefined;
}

/** splitWords splits a command line on white space, keeping "quoted words" whole. */
export function splitWords(text: string | undefined): string[] | undefined {
  const words = [...(text ?? '').matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  return words.length ? words : undefined;
}

function resources(pairs: [string, string | undefined][]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of pairs) if (v && v.trim()) out[k] = v.trim();
  return Object.keys(out).length ? out : undefined;
}

/**
 * formToSpec builds the request body. Fields the kind does not take are
 * left out (replicas for DaemonSets, Jobs and CronJobs); the app label
 * defaults to the name so a Service can select the pods.
 */
export function formToSpec(kind: WorkloadKind, v: WorkloadFormValues): WorkloadSpec {
  const name = v.name.trim();
  const ports = (v.ports ?? '')
    .split(/[,\s]+/)
    .filter(Boolean)
    .map((p) => ({ containerPort: Number(p) }));
  const env = (v.env ?? []).filter((e) => e.name && e.name.trim()).map((e) => ({ name: e.name!.trim(), value: e.value ?? '' }));
  const requests = resources([
    ['cpu', v.cpuRequest],
    ['memory', v.memoryRequest],
  ]);
  const limits = resources([
    ['cpu', v.cpuLimit],
    ['memory', v.memoryLimit],
  ]);
  const container: WorkloadContainer = { name: v.containerName?.trim() || name, image: v.image.trim() };
  const command = splitWords(v.command);
  const args = splitWords(v.args);
  if (command) container.command = command;
  if (args) container.args = args;
  if (ports.length) container.ports = ports;
  if (env.length) container.env = env;
  if (requests || limits) container.resources = { ...(requests && { requests }), ...(limits && { limits }) };
  const spec: WorkloadSpec = { name, labels: { app: name, ...parseLabels(v.labels) }, containers: [container] };
  if ((kind === 'deployments' || kind === 'statefulsets') && v.replicas !== undefined) spec.replicas = v.replicas;
  if (kind === 'cronjobs') spec.cronJob = { schedule: (v.schedule ?? '').trim() };
  if (kind === 'jobs' && v.completions) spec.job = { completions: v.completions };
  return spec;
}

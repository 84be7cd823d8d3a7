// A WorkloadSpec as the Kubernetes manifest it becomes, so a form can be
// continued in YAML and go through the server's dry run and diff.
import { stringify } from 'yaml';
import type { WorkloadKind, WorkloadSpec } from './workloadForm';

const kindNames: Record<WorkloadKind, { apiVersion: string; kind: string }> = {
  deployments: { apiVersion: 'apps/v1', kind: 'Deployment' },
  statefulsets: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  daemonsets: { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  jobs: { apiVersion: 'batch/v1', kind: 'Job' },
  cronjobs: { apiVersion: 'batch/v1', kind: 'CronJob' },
};

export function specToManifest(kind: WorkloadKind, namespace: string, s: WorkloadSpec): Record<string, unknown> {
  const labels = s.labels ?? { app: s.name };
  const podSpec: Record<string, unknown> = {
    containers: s.containers.map((c) => ({ ...c, command: c.command ?? undefined, args: c.args ?? undefined, ports: c.ports ?? undefined, env: c.env ?? undefined })),
  };
  const template = { metadata: { labels }, spec: podSpec };
  const meta = { name: s.name, namespace, labels };
  const { apiVersion, kind: k } = kindNames[kind];
  switch (kind) {
    case 'deployments':
      return { apiVersion, kind: k, metadata: meta, spec: { replicas: s.replicas ?? 1, selector: { matchLabels: labels }, template } };
    case 'statefulsets':
      return { apiVersion, kind: k, metadata: meta, spec: { replicas: s.replicas ?? 1, serviceName: s.name, selector: { matchLabels: labels }, template } };
    case 'daemonsets':
      return { apiVersion, kind: k, metadata: meta, spec: { selector: { matchLabels: labels }, template } };
    case 'jobs':
      return { apiVersion, kind: k, metadata: meta, spec: { ...s.job, template: { ...template, spec: { ...podSpec, restartPolicy: 'Never' } } } };
    case 'cronjobs':
      return {
        apiVersion,
        kind: k,
        metadata: meta,
        spec: { schedule: s.cronJob?.schedule ?? '', jobTemplate: { spec: { template: { ...template, spec: { ...podSpec, restartPolicy: 'Never' } } } } },
      };
  }
}

/** manifestYaml drops undefined fields and renders YAML. */
export function manifestYaml(kind: WorkloadKind, namespace: string, s: WorkloadSpec): string {
  return stringify(JSON.parse(JSON.stringify(specToManifest(kind, namespace, s))));
}

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { manifestYaml, specToManifest } from './manifest';

const spec = { name: 'web', labels: { app: 'web' }, replicas: 2, containers: [{ name: 'web', image: 'nginx' }] };

describe('specToManifest', () => {
  it('makes a Deployment whose selector matches its pod labels', () => {
    const m = specToManifest('deployments', 'team-a', spec) as any;
    expect(m.kind).toBe('Deployment');
    expect(m.metadata).toEqual({ name: 'web', namespace: 'team-a', labels: { app: 'web' } });
    expect(m.spec.selector.matchLabels).toEqual(m.spec.template.metadata.labels);
    expect(m.spec.replicas).toBe(2);
  });

  it('gives Jobs and CronJobs a restart policy pods accept', () => {
    const cron = specToManifest('cronjobs', 'ns', { ...spec, cronJob: { schedule: '* * * * *' } }) as any;
    expect(cron.spec.schedule).toBe('* * * * *');
    expect(cron.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
  });

  it('renders YAML without undefined fields', () => {
    const y = manifestYaml('daemonsets', 'ns', spec);
    expect(y).not.toContain('undefined');
    expect(parse(y).spec.template.spec.containers[0]).toEqual({ name: 'web', image: 'nginx' });
  });
});

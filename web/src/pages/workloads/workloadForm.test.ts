import { describe, expect, it } from 'vitest';
import { formToSpec, parseLabels, splitWords } from './workloadForm';

describe('formToSpec', () => {
  it('builds a Deployment body with everything filled', () => {
    expect(
      formToSpec('deployments', {
        name: ' web ',
        labels: 'tier=front, team = a',
        replicas: 3,
        image: 'nginx:1.27',
        command: 'sh -c "echo hi; sleep 1"',
        ports: '80, 443',
        env: [{ name: 'MODE', value: 'prod' }, { name: '' }],
        cpuRequest: '100m',
        memoryLimit: '128Mi',
      }),
    ).toEqual({
      name: 'web',
      labels: { app: 'web', tier: 'front', team: 'a' },
      replicas: 3,
      containers: [
        {
          name: 'web',
          image: 'nginx:1.27',
          command: ['sh', '-c', 'echo hi; sleep 1'],
          ports: [{ containerPort: 80 }, { containerPort: 443 }],
          env: [{ name: 'MODE', value: 'prod' }],
          resources: { requests: { cpu: '100m' }, limits: { memory: '128Mi' } },
        },
      ],
    });
  });

  it('leaves replicas out of a DaemonSet and adds a CronJob schedule', () => {
    expect(formToSpec('daemonsets', { name: 'agent', image: 'busybox', replicas: 2 }).replicas).toBeUndefined();
    const cron = formToSpec('cronjobs', { name: 'tick', image: 'busybox', schedule: ' */5 * * * * ' });
    expect(cron.cronJob).toEqual({ schedule: '*/5 * * * *' });
    expect(cron.replicas).toBeUndefined();
  });

  it('adds job completions only when given', () => {
    expect(formToSpec('jobs', { name: 'j', image: 'busybox', completions: 2 }).job).toEqual({ completions: 2 });
    expect(formToSpec('jobs', { name: 'j', image: 'busybox' }).job).toBeUndefined();
  });
});

describe('helpers', () => {
  it('parseLabels reads commas and new lines, empty is undefined', () => {
    expect(parseLabels('a=1\nb=2,c')).toEqual({ a: '1', b: '2', c: '' });
    expect(parseLabels('  ')).toBeUndefined();
  });
  it("splitWords keeps quoted words whole", () => {
    expect(splitWords(`echo 'a b' "c d" e`)).toEqual(['echo', 'a b', 'c d', 'e']);
    expect(splitWords('')).toBeUndefined();
  });
});

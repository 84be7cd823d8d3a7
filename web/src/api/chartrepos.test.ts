import { describe, expect, it } from 'vitest';
import { chartRepoPaths } from './chartrepos';

describe('chartRepoPaths', () => {
  it('uses the global paths without a project', () => {
    const p = chartRepoPaths({});
    expect(p.list).toBe('/api/v1/chart-repositories');
    expect(p.refresh('stable')).toBe('/api/v1/chart-repositories/stable/refresh');
  });
  it('uses a project scope and escapes names', () => {
    const p = chartRepoPaths({ cluster: 'c 1', project: 'team' });
    expect(p.versions('stable', 'a/b')).toBe('/api/v1/clusters/c%201/projects/team/chart-repositories/stable/charts/a%2Fb/versions');
  });
});

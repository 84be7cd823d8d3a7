import { describe, expect, it } from 'vitest';
import { watchPath } from './watchPath';

describe('watchPath', () => {
  it('inserts /watch after the cluster and keeps the selectors', () => {
    expect(watchPath('/api/v1/clusters/c1/namespaces/ns/pods?labelSelector=app%3Dweb&limit=100&continue=x', '42')).toBe(
      '/api/v1/clusters/c1/watch/namespaces/ns/pods?labelSelector=app%3Dweb&since=42',
    );
    expect(watchPath('/api/v1/clusters/c1/nodes', undefined)).toBe('/api/v1/clusters/c1/watch/nodes');
  });

  it('has no watch for paths outside a cluster', () => {
    expect(watchPath('/api/v1/clusters', '1')).toBeUndefined();
  });
});

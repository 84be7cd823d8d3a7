import { describe, expect, it } from 'vitest';
import { hitLink } from './hitLink';

describe('hitLink', () => {
  it.each([
    [{ cluster: 'c', kind: 'pods', namespace: 'ns', name: 'p' }, '/clusters/c/ns/ns/pods/p'],
    [{ cluster: 'c', kind: 'nodes', name: 'n1' }, '/clusters/c/nodes/n1'],
    [{ cluster: 'c', kind: 'namespaces', name: 'ns' }, '/clusters/c/namespaces/ns'],
    [{ cluster: 'c', kind: 'services', namespace: 'ns', name: 's' }, '/clusters/c/ns/ns/services?name=s'],
    [{ cluster: 'c', kind: 'replicasets', namespace: 'ns', name: 'r' }, '/clusters/c/resources/apps/v1/replicasets/r?namespace=ns'],
  ])('%o', (hit, want) => expect(hitLink(hit)).toBe(want));
});

import { describe, expect, it } from 'vitest';
import { applyKubeEvent, byName, type KubeList } from './kube';

interface Obj {
  metadata: { name: string; resourceVersion?: string };
  state?: string;
}
const obj = (name: string, state = 'Building'): Obj => ({ metadata: { name }, state });
const list = (): KubeList<Obj> => ({ items: [obj('a'), obj('c')], metadata: { resourceVersion: '10' } });

describe('applyKubeEvent', () => {
  it('replaces a modified object in place and keeps the list cursor', () => {
    const got = applyKubeEvent(list(), { type: 'MODIFIED', object: obj('c', 'Success') }, byName);
    expect(got.items.map((o) => o.state)).toEqual(['Building', 'Success']);
    expect(got.metadata?.resourceVersion).toBe('10');
  });

  it('inserts a new object where the order puts it', () => {
    expect(applyKubeEvent(list(), { type: 'ADDED', object: obj('b') }, byName).items.map((o) => o.metadata.name)).toEqual(['a', 'b', 'c']);
    expect(applyKubeEvent(list(), { type: 'ADDED', object: obj('d') }, byName).items.map((o) => o.metadata.name)).toEqual(['a', 'c', 'd']);
    const newestFirst = (x: Obj, y: Obj) => -byName(x, y);
    expect(applyKubeEvent(list(), { type: 'ADDED', object: obj('z') }, newestFirst).items[0].metadata.name).toBe('z');
  });

  it('treats ADDED of a known object as a replacement (a watch begun without a cursor)', () => {
    const got = applyKubeEvent(list(), { type: 'ADDED', object: obj('a', 'Failed') }, byName);
    expect(got.items).toHaveLength(2);
    expect(got.items[0].state).toBe('Failed');
  });

  it('removes a deleted object, and ignores one it does not hold', () => {
    expect(applyKubeEvent(list(), { type: 'DELETED', object: obj('a') }, byName).items.map((o) => o.metadata.name)).toEqual(['c']);
    const l = list();
    expect(applyKubeEvent(l, { type: 'DELETED', object: obj('x') }, byName)).toBe(l);
    expect(applyKubeEvent(l, { type: 'RESET' }, byName)).toBe(l);
  });
});

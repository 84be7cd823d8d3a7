import { describe, expect, it } from 'vitest';
import { applyEvent, flattenPages, type ListPage } from './merge';

interface Pod {
  namespace: string;
  name: string;
  phase?: string;
}
const pod = (namespace: string, name: string, phase = 'Running'): Pod => ({ namespace, name, phase });

function pages(): ListPage<Pod>[] {
  return [
    { items: [pod('a', 'p1'), pod('a', 'p3')], continue: 'c1', total: 5, cursor: '10' },
    { items: [pod('b', 'p1'), pod('b', 'p5')], continue: 'c2' },
  ];
}

describe('applyEvent', () => {
  it('replaces a modified object in place', () => {
    const got = applyEvent(pages(), { type: 'MODIFIED', object: pod('b', 'p1', 'Failed') });
    expect(got[1].items[0].phase).toBe('Failed');
    expect(got[0].total).toBe(5);
  });

  it('removes a deleted object and lowers the total', () => {
    const got = applyEvent(pages(), { type: 'DELETED', object: pod('a', 'p3') });
    expect(got[0].items.map((p) => p.name)).toEqual(['p1']);
    expect(got[0].total).toBe(4);
  });

  it('ignores the deletion of an object not loaded', () => {
    const before = pages();
    expect(applyEvent(before, { type: 'DELETED', object: pod('z', 'z') })).toBe(before);
  });

  it('inserts an added object in sort order into the page whose range holds it', () => {
    const got = applyEvent(pages(), { type: 'ADDED', object: pod('a', 'p2') });
    expect(got[0].items.map((p) => p.name)).toEqual(['p1', 'p2', 'p3']);
    expect(got[0].total).toBe(6);
    const got2 = applyEvent(pages(), { type: 'ADDED', object: pod('b', 'p0') });
    expect(got2[1].items.map((p) => p.name)).toEqual(['p0', 'p1', 'p5']);
  });

  it('sorts by namespace before name (not by the joined key)', () => {
    const p: ListPage<Pod>[] = [{ items: [pod('a', 'x'), pod('a-b', 'x')] }];
    const got = applyEvent(p, { type: 'ADDED', object: pod('a', 'y') });
    expect(got[0].items.map((x) => `${x.namespace}/${x.name}`)).toEqual(['a/x', 'a/y', 'a-b/x']);
  });

  it('leaves an object past the loaded pages for the page that will bring it', () => {
    const got = applyEvent(pages(), { type: 'ADDED', object: pod('c', 'p1') });
    expect(flattenPages(got)).toHaveLength(4);
    expect(got[0].total).toBe(6);
  });

  it('appends past the end when every page is loaded', () => {
    const p: ListPage<Pod>[] = [{ items: [pod('a', 'p1')], total: 1 }];
    const got = applyEvent(p, { type: 'ADDED', object: pod('c', 'p1') });
    expect(got[0].items.map((x) => x.namespace)).toEqual(['a', 'c']);
    expect(got[0].total).toBe(2);
  });

  it('treats MODIFIED of an unknown object as an addition', () => {
    const p: ListPage<Pod>[] = [{ items: [] }];
    expect(applyEvent(p, { type: 'MODIFIED', object: pod('a', 'p1') })[0].items).toHaveLength(1);
  });
});

describe('flattenPages', () => {
  it('drops a repeat that a later page brings', () => {
    let p = applyEvent(pages(), { type: 'ADDED', object: pod('a', 'p4') });
    // p4 sorts after the first page's last item, so it went to page 2's start...
    p = [...p, { items: [pod('a', 'p4'), pod('c', 'p1')] }];
    expect(flattenPages(p).filter((x) => x.name === 'p4')).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/problem';
import type { SSEEvent } from '../api/sse';
import type { WatchEvent } from './merge';
import { runWatch, type OpenStream } from './watchLoop';

type Obj = { name: string; namespace: string };

/** fakeServer answers each connection with the next script: events, then an end or an error. */
function fakeServer(scripts: { events: SSEEvent[]; error?: Error }[]) {
  const paths: string[] = [];
  const open: OpenStream = async (path, onEvent) => {
    paths.push(path);
    const s = scripts.shift();
    if (!s) throw new Error('no more scripts');
    for (const e of s.events) onEvent(e);
    if (s.error) throw s.error;
  };
  return { open, paths };
}

const ev = (id: string, type: string, name: string): SSEEvent => ({
  id,
  event: 'message',
  data: JSON.stringify({ type, object: { name, namespace: 'ns' } }),
});

describe('runWatch', () => {
  it('passes events on and reconnects after the last id it saw', async () => {
    const ctl = new AbortController();
    const got: WatchEvent<Obj>[] = [];
    const server = fakeServer([
      { events: [ev('11', 'ADDED', 'a'), { event: 'message', data: '' }, ev('12', 'MODIFIED', 'a')] },
      { events: [ev('13', 'DELETED', 'a')], error: new Error('network down') },
      { events: [{ id: '14', event: 'message', data: '{"type":"RESET"}' }] },
    ]);
    let resets = 0;
    await runWatch<Obj>({
      listPath: '/api/v1/clusters/c/namespaces/ns/pods?limit=100',
      cursor: '10',
      onEvent: (e) => got.push(e),
      onReset: () => resets++,
      onUnavailable: () => {
        throw new Error('unexpected');
      },
      signal: ctl.signal,
      open: server.open,
      sleep: async () => {},
    });
    expect(got.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(server.paths).toEqual([
      '/api/v1/clusters/c/watch/namespaces/ns/pods?since=10',
      '/api/v1/clusters/c/watch/namespaces/ns/pods?since=12',
      '/api/v1/clusters/c/watch/namespaces/ns/pods?since=13',
    ]);
    expect(resets).toBe(1);
  });

  it('reports a server without watch streams', async () => {
    let unavailable = 0;
    await runWatch<Obj>({
      listPath: '/api/v1/clusters/c/nodes',
      cursor: undefined,
      onEvent: () => {},
      onReset: () => {},
      onUnavailable: () => unavailable++,
      signal: new AbortController().signal,
      open: fakeServer([{ events: [], error: new ApiError(404, { status: 404 }) }]).open,
    });
    expect(unavailable).toBe(1);
  });

  it('treats 410 Gone as a reset', async () => {
    let resets = 0;
    await runWatch<Obj>({
      listPath: '/api/v1/clusters/c/nodes',
      cursor: '1',
      onEvent: () => {},
      onReset: () => resets++,
      onUnavailable: () => {},
      signal: new AbortController().signal,
      open: fakeServer([{ events: [], error: new ApiError(410, { status: 410 }) }]).open,
    });
    expect(resets).toBe(1);
  });
});

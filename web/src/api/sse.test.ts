import { describe, expect, it } from 'vitest';
import { SSEParser } from './sse';

describe('SSEParser', () => {
  it('parses events split across chunks, with ids and comments', () => {
    const p = new SSEParser();
    const got = [
      ...p.feed(': ping\n\nid: 7\ndata: {"type":'),
      ...p.feed('"ADDED"}\n\nid: 8\r\ndata: a\r\ndata: b\r'),
      ...p.feed('\n\r\nevent: end\ndata:\n\n'),
    ];
    expect(got).toEqual([
      { id: '7', event: 'message', data: '{"type":"ADDED"}' },
      { id: '8', event: 'message', data: 'a\nb' },
      { id: '8', event: 'end', data: '' },
    ]);
  });

  it('ignores a blank line with nothing pending', () => {
    expect(new SSEParser().feed('\n\n\n')).toEqual([]);
  });
});

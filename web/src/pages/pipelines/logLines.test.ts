import { describe, expect, it } from 'vitest';
import { logChunk, utf8Length } from '../../api/pipelines';
import { LogLines } from './logLines';

describe('step log', () => {
  it('joins chunks that end inside a line', () => {
    const l = new LogLines();
    l.add('a\nb');
    l.add('c\n');
    l.add('d');
    l.add('');
    l.add('e\r\nf\n');
    expect(l.lines).toEqual(['a', 'bc', 'de', 'f']);
  });

  it('restores the line break an event drops, from its offsets', () => {
    // "héllo\n" is 7 bytes: the event says "héllo", from 0 to 7.
    expect(utf8Length('héllo')).toBe(6);
    expect(logChunk('héllo', 0, 7)).toBe('héllo\n');
    expect(logChunk('par', 7, 10)).toBe('par');
    expect(logChunk('crlf', 0, 6)).toBe('crlf\r\n');
    expect(logChunk('😀', 0, 4)).toBe('😀');
  });
});

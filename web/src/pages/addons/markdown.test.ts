import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, safeHref } from './markdown';

describe('markdown', () => {
  it('reads blocks', () => {
    const b = parseMarkdown('# Title\n\nSome `code` and **bold**\ntext.\n\n- a\n- b\n\n```yaml\nx: 1\n```\n\n| a | b |\n| --- | --- |\n| `1` | 2 |\n');
    expect(b.map((x) => x.t)).toEqual(['heading', 'paragraph', 'list', 'code', 'table']);
    expect(b[1]).toEqual({
      t: 'paragraph',
      children: [{ t: 'text', text: 'Some ' }, { t: 'code', text: 'code' }, { t: 'text', text: ' and ' }, { t: 'strong', children: [{ t: 'text', text: 'bold' }] }, { t: 'text', text: ' text.' }],
    });
    expect(b[3]).toEqual({ t: 'code', lang: 'yaml', text: 'x: 1' });
    expect(b[4]).toMatchObject({ t: 'table', rows: [[[{ t: 'code', text: '1' }], [{ t: 'text', text: '2' }]]] });
  });

  it('keeps HTML as text and unsafe links as text', () => {
    expect(parseInline('<script>alert(1)</script>')).toEqual([{ t: 'text', text: '<script>alert(1)</script>' }]);
    expect(parseInline('[x](javascript:alert(1))')).toEqual([{ t: 'text', text: 'x' }, { t: 'text', text: ')' }]);
    expect(safeHref('https://jenkins.io')).toBe('https://jenkins.io');
    expect(safeHref('data:text/html,x')).toBeUndefined();
    expect(safeHref('//evil.example')).toBeUndefined();
  });
});

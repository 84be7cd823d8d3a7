// Draws a README read by markdown.ts as React elements (never as HTML).
import { Typography, theme } from 'antd';
import { Fragment, useMemo, type ReactNode } from 'react';
import { parseMarkdown, type Inline } from './markdown';

function inline(items: Inline[]): ReactNode {
  return items.map((n, i) => {
    switch (n.t) {
      case 'text':
        return <Fragment key={i}>{n.text}</Fragment>;
      case 'code':
        return <Typography.Text key={i} code>{n.text}</Typography.Text>;
      case 'strong':
        return <strong key={i}>{inline(n.children)}</strong>;
      case 'em':
        return <em key={i}>{inline(n.children)}</em>;
      case 'link':
        return (
          <Typography.Link key={i} href={n.href} target="_blank" rel="noopener noreferrer nofollow">
            {inline(n.children)}
          </Typography.Link>
        );
    }
  });
}

/** Markdown shows a chart's README. */
export function Markdown({ source }: { source: string }) {
  const { token } = theme.useToken();
  const blocks = useMemo(() => parseMarkdown(source), [source]);
  const cell = { border: `1px solid ${token.colorBorderSecondary}`, padding: '4px 8px', textAlign: 'left' as const, verticalAlign: 'top' as const };
  return (
    <Typography className="markdown">
      {blocks.map((b, i) => {
        switch (b.t) {
          case 'heading': {
            // The page's own title is the h1: a README's levels start below it.
            const level = Math.min(b.level + 1, 5) as 2 | 3 | 4 | 5;
            return (
              <Typography.Title key={i} level={level} style={{ fontSize: [0, 0, 20, 17, 15, 14][level] }}>
                {inline(b.children)}
              </Typography.Title>
            );
          }
          case 'paragraph':
            return <Typography.Paragraph key={i}>{inline(b.children)}</Typography.Paragraph>;
          case 'code':
            return (
              <pre key={i} tabIndex={0} style={{ background: token.colorFillTertiary, color: token.colorText, padding: 8, overflow: 'auto', borderRadius: 4 }}>
                <code>{b.text}</code>
              </pre>
            );
          case 'list': {
            const L = b.ordered ? 'ol' : 'ul';
            return (
              <L key={i}>
                {b.items.map((it, j) => (
                  <li key={j}>{inline(it)}</li>
                ))}
              </L>
            );
          }
          case 'table':
            return (
              <div key={i} style={{ overflowX: 'auto', marginBottom: 12 }}>
                <table style={{ borderCollapse: 'collapse' }}>
                  <thead>
                    <tr>
                      {b.head.map((c, j) => (
                        <th key={j} style={{ ...cell, background: token.colorFillQuaternary }}>
                          {inline(c)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {b.rows.map((r, j) => (
                      <tr key={j}>
                        {r.map((c, k) => (
                          <td key={k} style={cell}>
                            {inline(c)}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            );
          case 'quote':
            return <blockquote key={i}>{inline(b.children)}</blockquote>;
          case 'rule':
            return <hr key={i} />;
        }
      })}
    </Typography>
  );
}

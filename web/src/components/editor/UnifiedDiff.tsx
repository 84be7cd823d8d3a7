import { theme } from 'antd';
import { diffLineKind } from './diffLines';

/** UnifiedDiff colours a unified diff (the server's dry-run diff) line by line. */
export function UnifiedDiff({ diff, label }: { diff: string; label: string }) {
  const { token } = theme.useToken();
  const colors = { add: token.colorSuccessBg, del: token.colorErrorBg, hunk: token.colorInfoBg, meta: undefined, same: undefined };
  return (
    <pre className="log-view" aria-label={label} tabIndex={0} style={{ maxHeight: 400, overflow: 'auto', padding: 8, border: `1px solid ${token.colorBorderSecondary}`, color: token.colorText }}>
      {diff.split('\n').map((line, i) => (
        <div key={i} style={{ background: colors[diffLineKind(line)] }}>
          {line || ' '}
        </div>
      ))}
    </pre>
  );
}

import { Progress } from 'antd';

/** UsageBar is a labelled percentage bar (requests or usage of allocatable). */
export function UsageBar({ percent, label, text }: { percent: number | undefined; label: string; text?: string }) {
  if (percent === undefined || Number.isNaN(percent)) return <span>-</span>;
  const p = Math.round(percent);
  return (
    <div style={{ display: 'flex', alignItems: 'center', gap: 6, minWidth: 120 }}>
      <Progress
        percent={Math.min(100, p)}
        size="small"
        showInfo={false}
        status={p >= 90 ? 'exception' : 'normal'}
        aria-label={label}
        style={{ flex: 1, margin: 0 }}
      />
      <span style={{ fontSize: 12, whiteSpace: 'nowrap' }}>{text ?? `${p}%`}</span>
    </div>
  );
}

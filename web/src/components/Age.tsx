/** age renders how long ago a timestamp was, kubectl style (5d, 3h, 10m, 42s). */
export function ageText(from: string | undefined, now = Date.now()): string {
  if (!from) return '-';
  const s = Math.max(0, Math.floor((now - new Date(from).getTime()) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/**
 * Age shows ageText with the exact time as a native title: it renders in
 * every row of long lists, where a tooltip component per cell costs frames.
 */
export function Age({ since }: { since?: string }) {
  return <span title={since ? new Date(since).toLocaleString() : undefined}>{ageText(since)}</span>;
}

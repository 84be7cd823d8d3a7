// Quantities as people read them.

export function cores(millis: number | undefined): string {
  if (millis === undefined) return '-';
  return millis < 1000 ? `${millis}m` : `${(millis / 1000).toFixed(millis % 1000 ? 1 : 0)}`;
}

export function bytes(n: number | undefined): string {
  if (n === undefined) return '-';
  const units = ['B', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 10 || i === 0 ? 0 : 1)}${units[i]}`;
}

export function percent(part: number | undefined, whole: number | undefined): number | undefined {
  if (part === undefined || !whole) return undefined;
  return (part / whole) * 100;
}

/** shortDigest keeps the algorithm and the first 12 hex digits, as docker does. */
export function shortDigest(d: string | undefined): string {
  if (!d) return '-';
  const [alg, hex] = d.includes(':') ? d.split(':', 2) : ['', d];
  return `${alg ? `${alg}:` : ''}${hex.slice(0, 12)}`;
}

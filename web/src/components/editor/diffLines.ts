export type DiffLineKind = 'add' | 'del' | 'hunk' | 'meta' | 'same';

/** diffLineKind classifies one line of a unified diff. */
export function diffLineKind(line: string): DiffLineKind {
  if (line.startsWith('+++') || line.startsWith('---')) return 'meta';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  return 'same';
}

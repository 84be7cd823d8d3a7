// The log view's line buffer: bounded, so following a chatty container for
// hours does not grow the page without limit.

export const maxLines = 20_000;

/** appendLines adds lines and keeps the newest max. */
export function appendLines(buf: string[], lines: string[], max = maxLines): string[] {
  const out = buf.concat(lines);
  return out.length > max ? out.slice(out.length - max) : out;
}

/** splitLog splits a plain-text log into lines, without the empty one after a final newline. */
export function splitLog(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export interface Match {
  index: number;
  line: string;
}

/** searchLines returns the lines that contain needle (case-insensitive), with their line numbers. */
export function searchLines(lines: string[], needle: string): Match[] {
  const n = needle.toLowerCase();
  const out: Match[] = [];
  lines.forEach((line, index) => {
    if (line.toLowerCase().includes(n)) out.push({ index, line });
  });
  return out;
}

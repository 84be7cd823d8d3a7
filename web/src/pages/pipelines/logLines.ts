// A step's log as lines, for the log view: text arrives in chunks that may
// end inside a line.
import { appendLines } from '../pods/logBuffer';

/** LogLines keeps a log as lines, the last one possibly still being written. */
export class LogLines {
  lines: string[] = [];
  private open = false;
  add(text: string) {
    const parts = text.replace(/\r\n/g, '\n').split('\n');
    const endsOpen = !text.endsWith('\n');
    if (!endsOpen) parts.pop();
    if (this.open && this.lines.length && parts.length) {
      this.lines[this.lines.length - 1] += parts.shift();
    }
    this.lines = appendLines(this.lines, parts);
    this.open = endsOpen && (parts.length > 0 || this.open);
  }
}

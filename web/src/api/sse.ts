// Server-Sent Events read with fetch() and a ReadableStream: EventSource
// cannot send the Authorization header.
import { rawRequest } from './client';

export interface SSEEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * SSEParser turns chunks of a text/event-stream into events, following the
 * WHATWG parsing rules that matter here: lines end in \n, \r\n or \r;
 * comment lines start with ':'; an empty line dispatches; `data` lines are
 * joined with \n.
 */
export class SSEParser {
  private buf = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;

  feed(chunk: string): SSEEvent[] {
    this.buf += chunk;
    const out: SSEEvent[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buf);
      if (!m) break;
      // A lone \r at the end of the buffer may be the start of \r\n.
      if (m[0] === '\r' && m.index === this.buf.length - 1) break;
      const line = this.buf.slice(0, m.index);
      this.buf = this.buf.slice(m.index + m[0].length);
      const ev = this.line(line);
      if (ev) out.push(ev);
    }
    return out;
  }

  private line(line: string): SSEEvent | undefined {
    if (line === '') {
      if (this.data.length === 0 && this.event === '') return undefined;
      const ev: SSEEvent = { event: this.event || 'message', data: this.data.join('\n') };
      if (this.id !== undefined) ev.id = this.id;
      this.data = [];
      this.event = '';
      return ev;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
    }
    return undefined;
  }
}

/**
 * readSSE opens path as an event stream and calls onEvent for each event
 * until the stream ends (resolves) or fails (rejects: an ApiError for an
 * HTTP error). Abort with signal.
 */
export async function readSSE(path: string, onEvent: (e: SSEEvent) => void, signal: AbortSignal): Promise<void> {
  const resp = await rawRequest(path, { headers: { Accept: 'text/event-stream' }, signal });
  if (!resp.body) return;
  const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SSEParser();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    for (const ev of parser.feed(value)) onEvent(ev);
  }
}

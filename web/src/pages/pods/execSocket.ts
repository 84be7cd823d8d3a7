// The exec WebSocket protocol (README "Exec over a WebSocket"): the token
// rides in a subprotocol, since a browser cannot set headers on a WebSocket.

export const execProtocol = 'wheelhouse.exec.v1';
export const bearerProtocolPrefix = 'base64url.bearer.authorization.wheelhouse.dev.';

/** base64url encodes text without padding. */
export function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function execProtocols(token: string): string[] {
  return [execProtocol, bearerProtocolPrefix + base64url(token)];
}

/** execUrl is the WebSocket URL of an exec session from the page at origin. */
export function execUrl(origin: string, path: string, command: string[], container: string | undefined, tty: boolean): string {
  const u = new URL(path, origin);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  for (const w of command) u.searchParams.append('command', w);
  if (container) u.searchParams.set('container', container);
  if (tty) u.searchParams.set('tty', 'true');
  return u.toString();
}

export type ServerMessage = { type: 'exit'; exitCode: number } | { type: 'error'; message: string };

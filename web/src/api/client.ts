// The one fetch wrapper every request goes through: it adds the bearer
// token, turns problem documents into ApiError, and sends a 401 back to the
// login page with the current location to return to.
import { ApiError, type Problem } from './problem';
import { clearToken, getToken } from './session';

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler = () => {};

/** setUnauthorizedHandler is called once by the app with its redirect to /login. */
export function setUnauthorizedHandler(h: UnauthorizedHandler): void {
  onUnauthorized = h;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Raw text body (YAML) sent with this content type. */
  text?: string;
  contentType?: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export async function rawRequest(path: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (opts.text !== undefined) {
    body = opts.text;
    headers['Content-Type'] = opts.contentType ?? 'application/yaml';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  const resp = await fetch(path, { method: opts.method ?? 'GET', headers, body, signal: opts.signal });
  if (!resp.ok) {
    const problem = await readProblem(resp);
    if (resp.status === 401 && !path.endsWith('/login')) {
      clearToken();
      onUnauthorized();
    }
    throw new ApiError(resp.status, problem);
  }
  return resp;
}

async function readProblem(resp: Response): Promise<Problem> {
  const text = await resp.text();
  try {
    return JSON.parse(text) as Problem;
  } catch {
    return { status: resp.status, title: resp.statusText, detail: text.slice(0, 500) };
  }
}

/** api sends a request and decodes the JSON answer (undefined for 204). */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const resp = await rawRequest(path, opts);
  if (resp.status === 204) return undefined as T;
  const text = await resp.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** query builds a query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

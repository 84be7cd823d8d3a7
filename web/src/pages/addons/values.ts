// The values of a chart as the console edits them: one object is the
// source of truth; the YAML text is derived from it (keeping the chart's
// comments), the form reads and writes paths of it, and what is sent is
// the overrides: what differs from the chart's defaults.
import { isMap, isScalar, isSeq, parseDocument, stringify, type Document } from 'yaml';
import type { JsonSchema, Values } from '../../api/addons';

export type Path = string[];

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

export function getIn(v: unknown, path: Path): unknown {
  let cur = v;
  for (const p of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** setIn returns a copy of v with path set to value (undefined removes it). */
export function setIn(v: Values, path: Path, value: unknown): Values {
  const [head, ...rest] = path;
  const out: Values = { ...v };
  if (rest.length === 0) {
    if (value === undefined) delete out[head];
    else out[head] = value;
    return out;
  }
  out[head] = setIn(isObject(v[head]) ? (v[head] as Values) : {}, rest, value);
  return out;
}

/**
 * overrides is what values changes against the defaults: keys that differ
 * (a whole list when it differs), and null for a default key removed, as
 * Helm reads null: drop the default.
 */
export function overrides(values: Values, defaults: Values): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(values)) {
    const d = defaults[k];
    if (isObject(v) && isObject(d)) {
      const sub = overrides(v, d);
      if (Object.keys(sub).length) out[k] = sub;
    } else if (!deepEqual(v, d)) {
      out[k] = v;
    }
  }
  for (const k of Object.keys(defaults)) if (!(k in values)) out[k] = null;
  return out;
}

/** merge lays overrides over defaults, as Helm does (null removes a key). */
export function merge(defaults: Values, over: Values): Values {
  const out: Values = { ...defaults };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else if (isObject(v) && isObject(out[k])) out[k] = merge(out[k] as Values, v);
    else out[k] = v;
  }
  return out;
}

export interface Parsed {
  values?: Values;
  errors: string[];
}

/** parseValues reads YAML text as a values object; an empty text is {}. */
export function parseValues(text: string): Parsed {
  const doc = parseDocument(text);
  if (doc.errors.length) return { errors: doc.errors.map((e) => e.message) };
  const v = doc.toJS() as unknown;
  if (v === null || v === undefined) return { values: {}, errors: [] };
  if (!isObject(v)) return { errors: ['values must be a mapping of keys to values'] };
  return { values: v, errors: [] };
}

/**
 * toYaml writes values as YAML over the text it was last written as (the
 * chart's values.yaml first): what did not change keeps its place and its
 * comments.
 */
export function toYaml(values: Values, base: string): string {
  const doc = parseDocument(base);
  if (doc.errors.length || !isMap(doc.contents)) return Object.keys(values).length ? stringify(values) : '';
  sync(doc, doc.contents, values);
  return doc.toString();
}

const toJS = (n: unknown): unknown => (isMap(n) || isSeq(n) || isScalar(n) ? n.toJSON() : n);

function sync(doc: Document, node: unknown, v: Values) {
  if (!isMap(node)) return;
  for (const pair of [...node.items]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (!(key in v)) node.delete(pair.key);
  }
  for (const [k, val] of Object.entries(v)) {
    const cur = node.get(k, true);
    if (isObject(val) && isMap(cur)) sync(doc, cur, val);
    else if (isScalar(cur) && !isObject(val) && !Array.isArray(val)) {
      if (cur.value !== val) cur.value = val;
    } else if (!deepEqual(toJS(cur), val)) node.set(k, doc.createNode(val));
  }
}

/** resolve follows a schema's $ref into its definitions, keeping the referring title and description. */
export function resolve(s: JsonSchema | undefined, root: JsonSchema): JsonSchema {
  if (!s) return {};
  let cur = s;
  for (let i = 0; i < 10 && cur.$ref; i++) {
    const m = /^#\/(definitions|\$defs)\/(.+)$/.exec(cur.$ref);
    const target = m ? (m[1] === 'definitions' ? root.definitions : root.$defs)?.[m[2]] : undefined;
    const { $ref: _ref, ...rest } = cur;
    cur = { ...(target ?? {}), ...rest };
  }
  return cur;
}

export type FieldKind = 'object' | 'boolean' | 'enum' | 'string' | 'integer' | 'number' | 'quantity' | 'strings' | 'yaml';

/** fieldKind says how the form shows a schema node. */
export function fieldKind(s: JsonSchema): FieldKind {
  if (s.enum && s.enum.length) return 'enum';
  const type = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (!type && (s.oneOf || s.anyOf)) {
    const types = (s.oneOf ?? s.anyOf ?? []).map((o) => o.type);
    if (types.includes('string') && types.every((x) => x === 'string' || x === 'number' || x === 'integer')) return 'quantity';
    return 'yaml';
  }
  switch (type) {
    case 'object':
      return s.properties && Object.keys(s.properties).length ? 'object' : 'yaml';
    case 'boolean':
    case 'string':
    case 'integer':
    case 'number':
      return type;
    case 'array':
      return s.items && s.items.type === 'string' && !s.items.enum ? 'strings' : 'yaml';
    default:
      return 'yaml';
  }
}

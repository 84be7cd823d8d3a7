import { describe, expect, it } from 'vitest';
import { fieldKind, merge, overrides, parseValues, resolve, setIn, toYaml } from './values';

const base = `# The image.
image:
  repository: jenkins # where
  tag: "1"
persistence:
  # Keep it.
  enabled: true
  size: 8Gi
plugins:
  - git
`;

describe('values', () => {
  it('overrides keep only what differs, null for a removed default', () => {
    const d = parseValues(base).values!;
    let v = setIn(d, ['persistence', 'enabled'], false);
    v = setIn(v, ['image'], undefined);
    expect(overrides(v, d)).toEqual({ persistence: { enabled: false }, image: null });
    expect(merge(d, overrides(v, d))).toEqual(v);
  });

  it('toYaml keeps comments and what did not change', () => {
    const d = parseValues(base).values!;
    const v = setIn(setIn(d, ['persistence', 'enabled'], false), ['service', 'type'], 'NodePort');
    const y = toYaml(v, base);
    expect(y).toContain('# Keep it.\n  enabled: false');
    expect(y).toContain('repository: jenkins # where');
    expect(y).toContain('service:\n  type: NodePort');
    expect(parseValues(y).values).toEqual(v);
    expect(toYaml(d, base)).toBe(base);
  });

  it('parse errors are reported, not thrown', () => {
    expect(parseValues('a: [').errors.length).toBeGreaterThan(0);
    expect(parseValues('- a').errors).toEqual(['values must be a mapping of keys to values']);
    expect(parseValues('')).toEqual({ values: {}, errors: [] });
  });

  it('schema nodes resolve and map to fields', () => {
    const root = { definitions: { port: { type: 'integer' }, q: { oneOf: [{ type: 'string' }, { type: 'number' }] } } };
    expect(resolve({ $ref: '#/definitions/port', title: 'Web' }, root)).toEqual({ type: 'integer', title: 'Web' });
    expect(fieldKind(resolve({ $ref: '#/definitions/q' }, root))).toBe('quantity');
    expect(fieldKind({ type: 'string', enum: ['A', 'B'] })).toBe('enum');
    expect(fieldKind({ type: 'array', items: { type: 'string' } })).toBe('strings');
    expect(fieldKind({ type: 'object' })).toBe('yaml');
    expect(fieldKind({ type: 'object', properties: { a: { type: 'string' } } })).toBe('object');
  });
});

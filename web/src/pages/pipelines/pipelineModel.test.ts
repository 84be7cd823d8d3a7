import { describe, expect, it } from 'vitest';
import { conditionValues, parseFile, serialize, setSetting, setWhen, stepKind, withKind, parseEnv, envText, problemLine, problemOf } from './pipelineModel';

const rancher = `stages:
- name: Build
  when:
    branch:
      include: [master]
      exclude: [wip]
  steps:
  - name: step-1
    runScriptConfig:
      image: golang:1.22
      shellScript: go test ./...
    cache: {key: go, paths: [/root/go]}
timeout: 30m
`;

describe('pipeline file model', () => {
  it('keeps what the form does not show through a round trip', () => {
    const { model } = parseFile(rancher);
    expect(model).toBeDefined();
    const step = model!.stages[0].steps as Record<string, unknown>[];
    expect(stepKind(step[0])).toBe('runScript');
    step[0] = setSetting(step[0], 'image', 'golang:1.23');
    const back = parseFile(serialize(model!)).model!;
    expect(back.timeout).toBe('30m');
    const s0 = (back.stages[0].steps as Record<string, unknown>[])[0];
    expect(s0.runScriptConfig).toEqual({ image: 'golang:1.23', shellScript: 'go test ./...' });
    expect(s0.cache).toEqual({ key: 'go', paths: ['/root/go'] });
  });

  it('reports YAML errors with their lines', () => {
    const { model, problems } = parseFile('stages:\n- name: a\n  steps: [\n');
    expect(model).toBeUndefined();
    expect(problems[0].line).toBeGreaterThan(0);
  });

  it('changes a step kind and drops the old settings', () => {
    const s = withKind({ name: 'x', runScriptConfig: { image: 'a' } }, 'applyYaml');
    expect(s).toEqual({ name: 'x', applyYaml: {} });
  });

  it('edits conditions keeping excludes', () => {
    expect(conditionValues('main')).toEqual(['main']);
    expect(conditionValues({ include: ['a'], exclude: ['b'] })).toEqual(['a']);
    expect(setWhen({ when: { branch: { include: ['a'], exclude: ['b'] } } }, 'branch', ['c'])).toEqual({ when: { branch: { include: ['c'], exclude: ['b'] } } });
    expect(setWhen({ name: 'x', when: { event: ['push'] } }, 'event', [])).toEqual({ name: 'x' });
  });

  it('reads env lines', () => {
    expect(parseEnv('A=1\n\nB = x=y')).toEqual({ A: '1', B: ' x=y' });
    expect(envText({ A: '1' })).toBe('A=1');
    expect(parseEnv('')).toBeUndefined();
  });

  it('finds the line of a server problem', () => {
    expect(problemLine('line 4, column 3, stages[0].name: required')).toBe(4);
    expect(problemLine('stages: required')).toBeUndefined();
    expect(problemOf('line 21, column 9, stages[2].steps[0].runScript.image: required')).toEqual({ line: 21, column: 9, field: 'stages[2].steps[0].runScript.image', message: 'required' });
    expect(problemOf('line 3: not a mapping')).toEqual({ line: 3, column: undefined, field: undefined, message: 'not a mapping' });
    expect(problemOf('no stages')).toEqual({ message: 'no stages' });
  });
});

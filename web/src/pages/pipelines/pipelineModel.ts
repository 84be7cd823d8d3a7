// The pipeline file as the form edits it. The YAML text is the one model:
// the form view parses it, edits a copy of what it parsed and writes the
// text back, so whatever the form does not show (caches, resources,
// notifications, Rancher's key names) is kept; switching views loses
// nothing but comments in what the form rewrites.
import { parseDocument, stringify, type YAMLError } from 'yaml';

export type StepKind = 'runScript' | 'publishImage' | 'applyYaml' | 'applyApp';
export const stepKinds: StepKind[] = ['runScript', 'publishImage', 'applyYaml'];

type Obj = Record<string, unknown>;

export interface FileModel {
  stages: Obj[];
  [k: string]: unknown;
}

export interface TextProblem {
  line?: number;
  column?: number;
  message: string;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** parseFile reads the text into the model, or the YAML errors with their lines. */
export function parseFile(text: string): { model?: FileModel; problems: TextProblem[] } {
  const doc = parseDocument(text);
  if (doc.errors.length) {
    return { problems: doc.errors.map((e: YAMLError) => ({ line: e.linePos?.[0]?.line, column: e.linePos?.[0]?.col, message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '') })) };
  }
  const v = doc.toJS() as unknown;
  if (v === null || v === undefined) return { model: { stages: [] }, problems: [] };
  if (!isObj(v)) return { problems: [{ line: 1, message: 'the file is not a mapping' }] };
  const stages = Array.isArray(v.stages) ? v.stages.map((s) => (isObj(s) ? s : {})) : [];
  for (const s of stages) s.steps = Array.isArray(s.steps) ? s.steps.map((x) => (isObj(x) ? x : {})) : [];
  return { model: { ...v, stages }, problems: [] };
}

/** serialize writes the model as YAML. */
export function serialize(m: FileModel): string {
  return stringify(m, { lineWidth: 0 });
}

/** kindKey is the key a step keeps its kind's settings under (Rancher names them …Config). */
export function kindKey(step: Obj): { kind: StepKind | undefined; key: string | undefined } {
  for (const k of ['runScript', 'publishImage', 'applyYaml', 'applyApp'] as StepKind[]) {
    if (isObj(step[k])) return { kind: k, key: k };
    if (isObj(step[`${k}Config`])) return { kind: k, key: `${k}Config` };
  }
  return { kind: undefined, key: undefined };
}

/** stepKind is what a step does. */
export const stepKind = (step: Obj) => kindKey(step).kind;

/** kindSettings are the settings of the step's kind. */
export function kindSettings(step: Obj): Obj {
  const { key } = kindKey(step);
  return key ? (step[key] as Obj) : {};
}

/** withKind turns a step into one of kind, dropping the other kinds' settings. */
export function withKind(step: Obj, kind: StepKind): Obj {
  const { kind: old, key } = kindKey(step);
  if (old === kind) return step;
  const next: Obj = { ...step };
  if (key) delete next[key];
  next[kind] = kind === 'runScript' ? { image: 'busybox', shellScript: '' } : kind === 'publishImage' ? { dockerfilePath: './Dockerfile', buildContext: '.', tag: '' } : {};
  return next;
}

/** setSetting sets (or clears, for empty) one setting of the step's kind. */
export function setSetting(step: Obj, field: string, value: string | boolean | undefined): Obj {
  const { key } = kindKey(step);
  if (!key) return step;
  const settings: Obj = { ...(step[key] as Obj) };
  if (value === '' || value === undefined || value === false) delete settings[field];
  else settings[field] = value;
  return { ...step, [key]: settings };
}

/** conditionValues reads a condition (a pattern, a list, or include/exclude) as its include patterns. */
export function conditionValues(c: unknown): string[] {
  if (typeof c === 'string') return [c];
  if (Array.isArray(c)) return c.map(String);
  if (isObj(c)) return Array.isArray(c.include) ? c.include.map(String) : typeof c.include === 'string' ? [c.include] : [];
  return [];
}

/** setWhen sets the include patterns of when.branch or when.event, keeping excludes. */
export function setWhen(o: Obj, which: 'branch' | 'event', values: string[]): Obj {
  const when: Obj = isObj(o.when) ? { ...o.when } : {};
  const old = when[which];
  if (isObj(old) && old.exclude !== undefined) when[which] = { ...old, include: values.length ? values : undefined };
  else if (values.length) when[which] = values;
  else delete when[which];
  for (const k of Object.keys(when)) if (when[k] === undefined) delete when[k];
  const next: Obj = { ...o, when };
  if (Object.keys(when).length === 0) delete next.when;
  return next;
}

/** envText shows an env map as KEY=value lines; parseEnv reads them back. */
export function envText(env: unknown): string {
  if (!isObj(env)) return '';
  return Object.entries(env)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('\n');
}

export function parseEnv(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (!l) continue;
    const i = l.indexOf('=');
    if (i <= 0) out[l] = '';
    else out[l.slice(0, i).trim()] = l.slice(i + 1);
  }
  return Object.keys(out).length ? out : undefined;
}

/** newStage is the stage "Add stage" adds. */
export function newStage(n: number): Obj {
  return { name: `stage-${n}`, steps: [newStep(1)] };
}

export function newStep(n: number): Obj {
  return { name: `step-${n}`, runScript: { image: 'busybox', shellScript: 'echo hello' } };
}

/** problemLine reads the line of a "line 4, column 3, stages[0].name: …" message of the server. */
export function problemLine(message: string): number | undefined {
  const m = /^line (\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** problemOf splits a server's problem message into its line, column, field and message. */
export function problemOf(message: string): { line?: number; column?: number; field?: string; message: string } {
  const m = /^line (\d+)(?:, column (\d+))?(?:, ([^:]+))?: (.*)$/s.exec(message);
  if (!m) return { message };
  return { line: Number(m[1]), column: m[2] ? Number(m[2]) : undefined, field: m[3], message: m[4] };
}

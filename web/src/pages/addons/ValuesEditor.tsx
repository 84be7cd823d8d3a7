// A chart's values, edited as a form generated from its values schema or
// as YAML. One values object is the truth: the form reads and writes its
// paths, the YAML tab is written from it over the chart's values.yaml (so
// its comments stay) and read back into it as it is typed. YAML that does
// not parse shows its errors and keeps the user on the YAML tab.
import { Alert, Flex, Form, Input, InputNumber, Select, Switch, Tabs, Typography, theme } from 'antd';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { stringify } from 'yaml';
import type { JsonSchema, Values } from '../../api/addons';
import { LazyYamlEditor } from '../../components/editor/LazyEditors';
import { fieldKind, getIn, isObject, parseValues, resolve, setIn, toYaml, type Path } from './values';

export interface ValuesEditorProps {
  schema?: JsonSchema;
  /** The YAML the values were first written as (the chart's values.yaml). */
  baseYaml: string;
  value: Values;
  onChange: (v: Values) => void;
  /** The server's errors of values, by dotted path ("service.type"; "" for the whole). */
  errors?: Record<string, string[]>;
  /** Told whether the YAML tab holds text that does not parse (a submit waits). */
  onInvalid?: (invalid: boolean) => void;
}

export function ValuesEditor({ schema, baseYaml, value, onChange, errors = {}, onInvalid }: ValuesEditorProps) {
  const { t } = useTranslation();
  const hasForm = !!schema && fieldKind(schema) === 'object';
  const [tab, setTab] = useState<'form' | 'yaml'>(hasForm ? 'form' : 'yaml');
  // The text last written or typed: what the next YAML view is written over.
  const written = useRef(baseYaml);
  const [text, setText] = useState(() => toYaml(value, baseYaml));
  const [yamlErrors, setYamlErrors] = useState<string[]>([]);
  const [blocked, setBlocked] = useState(false);
  useEffect(() => onInvalid?.(yamlErrors.length > 0), [yamlErrors, onInvalid]);

  const switchTo = (k: string) => {
    if (k === 'form') {
      if (yamlErrors.length) {
        setBlocked(true);
        return;
      }
      setTab('form');
      return;
    }
    const y = toYaml(value, written.current);
    written.current = y;
    setText(y);
    setTab('yaml');
  };
  const typed = (y: string) => {
    setText(y);
    setBlocked(false);
    const p = parseValues(y);
    setYamlErrors(p.errors);
    if (p.values) {
      written.current = y;
      onChange(p.values);
    }
  };
  const unplaced = Object.entries(errors).filter(([path]) => tab === 'yaml' || !hasForm || !isLeaf(schema!, path));
  return (
    <>
      {unplaced.length ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          style={{ marginBottom: 8 }}
          message={t('addons.valuesInvalid')}
          description={unplaced.map(([p, m]) => `${p || t('addons.values')}: ${m.join('; ')}`).join('\n')}
        />
      ) : null}
      <Tabs
        activeKey={tab}
        onChange={switchTo}
        items={[
          {
            key: 'form',
            label: t('addons.formTab'),
            disabled: !hasForm,
            children: hasForm ? (
              <div style={{ maxHeight: '52vh', overflow: 'auto', paddingRight: 8 }}>
                <Form layout="vertical" component={false}>
                  <Section schema={schema!} root={schema!} path={[]} value={value} onSet={(p, v) => onChange(setIn(value, p, v))} errors={errors} />
                </Form>
              </div>
            ) : null,
          },
          {
            key: 'yaml',
            label: t('action.yaml'),
            children: (
              <>
                {!hasForm ? <Typography.Paragraph type="secondary">{t('addons.noSchema')}</Typography.Paragraph> : null}
                {yamlErrors.length ? (
                  <Alert
                    type={blocked ? 'error' : 'warning'}
                    showIcon
                    role="alert"
                    style={{ marginBottom: 8 }}
                    message={blocked ? t('addons.yamlBlocks') : t('addons.yamlInvalid')}
                    description={yamlErrors.join('\n')}
                  />
                ) : null}
                {tab === 'yaml' ? <LazyYamlEditor value={text} onChange={typed} height="48vh" label={t('addons.valuesYaml')} /> : null}
              </>
            ),
          },
        ]}
      />
    </>
  );
}

/** isLeaf says whether the form shows a field at the dotted path. */
function isLeaf(root: JsonSchema, dotted: string): boolean {
  let s: JsonSchema = root;
  for (const p of dotted.split('.')) {
    s = resolve(s, root);
    if (fieldKind(s) !== 'object' || !s.properties?.[p]) return false;
    s = s.properties[p];
  }
  return fieldKind(resolve(s, root)) !== 'object';
}

interface SectionProps {
  schema: JsonSchema;
  root: JsonSchema;
  path: Path;
  value: Values;
  onSet: (p: Path, v: unknown) => void;
  errors: Record<string, string[]>;
}

const fieldId = (path: Path) => `values-${path.join('-').replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** Section is an object of the schema: its plain fields in a grid, then its objects as sections of their own. */
function Section({ schema, root, path, value, onSet, errors }: SectionProps) {
  const { token } = theme.useToken();
  // The schema's keys in the order of the values (values.yaml's, as the
  // chart's author wrote them: the server's JSON sorts the schema's).
  const order = Object.keys((getIn(value, path) as Values | undefined) ?? {});
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  const entries = Object.entries(schema.properties ?? {})
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([k, node]) => [k, resolve(node, root)] as const);
  const plain = entries.filter(([, s]) => fieldKind(s) !== 'object');
  const nested = entries.filter(([, s]) => fieldKind(s) === 'object');
  return (
    <>
      {plain.length ? (
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))', columnGap: 16 }}>
          {plain.map(([k, s]) => (
            <Field key={k} name={k} schema={s} path={[...path, k]} value={value} onSet={onSet} errors={errors} />
          ))}
        </div>
      ) : null}
      {nested.map(([k, s]) => (
        <fieldset key={k} style={{ border: `1px solid ${token.colorBorderSecondary}`, borderRadius: 6, padding: '4px 12px 0', margin: '0 0 12px' }}>
          <legend style={{ width: 'auto', padding: '0 6px', margin: 0, border: 0, fontSize: 14, fontWeight: 600, color: token.colorText }}>{s.title ?? k}</legend>
          {s.description ? <Typography.Paragraph type="secondary">{s.description}</Typography.Paragraph> : null}
          <Section schema={s} root={root} path={[...path, k]} value={value} onSet={onSet} errors={errors} />
        </fieldset>
      ))}
    </>
  );
}

function Field({ name, schema, path, value, onSet, errors }: { name: string; schema: JsonSchema } & Omit<SectionProps, 'schema' | 'root'>) {
  const { t } = useTranslation();
  const id = fieldId(path);
  const v = getIn(value, path);
  const set = (x: unknown) => onSet(path, x);
  const err = errors[path.join('.')];
  const kind = fieldKind(schema);
  let control: ReactNode;
  switch (kind) {
    case 'boolean':
      control = <Switch id={id} checked={v === true} onChange={set} />;
      break;
    case 'enum':
      control = (
        <Select
          id={id}
          value={v as string | undefined}
          onChange={set}
          style={{ width: '100%' }}
          options={(schema.enum ?? []).map((x) => ({ value: x as string, label: String(x), title: String(x) }))}
        />
      );
      break;
    case 'integer':
    case 'number':
      control = (
        <InputNumber
          id={id}
          value={typeof v === 'number' ? v : null}
          onChange={(n) => set(n ?? undefined)}
          precision={kind === 'integer' ? 0 : undefined}
          min={schema.minimum}
          max={schema.maximum}
          style={{ width: '100%' }}
        />
      );
      break;
    case 'strings':
      control = <Select id={id} mode="tags" value={Array.isArray(v) ? (v as string[]) : []} onChange={set} style={{ width: '100%' }} open={false} suffixIcon={null} />;
      break;
    case 'string':
    case 'quantity': {
      // An emptied field that may not be empty (a quantity, a pattern) is unset.
      const onText = (s: string) =>
        set(s === '' && (kind === 'quantity' || schema.pattern || schema.minLength) ? undefined : kind === 'quantity' && typeof v === 'number' && /^\d+(\.\d+)?$/.test(s) ? Number(s) : s);
      control = schema.writeOnly ? (
        <Input.Password id={id} value={v === undefined || v === null ? '' : String(v)} onChange={(e) => onText(e.target.value)} autoComplete="new-password" />
      ) : (
        <Input id={id} value={v === undefined || v === null ? '' : String(v)} onChange={(e) => onText(e.target.value)} />
      );
      break;
    }
    default:
      control = <YamlField id={id} value={v} onSet={set} />;
  }
  return (
    <Form.Item
      label={schema.title ?? name}
      htmlFor={id}
      validateStatus={err ? 'error' : undefined}
      help={err ? err.join('; ') : undefined}
      extra={
        <Flex gap={6} wrap="wrap">
          <Typography.Text type="secondary" style={{ fontSize: 12, fontFamily: 'monospace' }}>
            {path.join('.')}
          </Typography.Text>
          {schema.description ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {schema.description}
            </Typography.Text>
          ) : null}
          {kind === 'strings' ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('addons.tagsHint')}
            </Typography.Text>
          ) : null}
        </Flex>
      }
      style={{ marginBottom: 12 }}
    >
      {control}
    </Form.Item>
  );
}

const dump = (v: unknown) => (v === undefined ? '' : stringify(v).trimEnd());

/** YamlField edits a value the form has no control for (a map, a list of objects) as YAML of its own. */
function YamlField({ id, value, onSet }: { id: string; value: unknown; onSet: (v: unknown) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => dump(value));
  const [error, setError] = useState<string>();
  const editing = useRef(false);
  useEffect(() => {
    if (!editing.current) setText(dump(value));
  }, [value]);
  const commit = () => {
    editing.current = false;
    const p = parseValues(`v:\n${text.split('\n').map((l) => '  ' + l).join('\n')}`);
    if (p.errors.length || !p.values) {
      setError(t('addons.yamlInvalid'));
      return;
    }
    setError(undefined);
    const next = text.trim() === '' ? undefined : p.values.v;
    if (JSON.stringify(next) !== JSON.stringify(value)) onSet(isObject(next) || Array.isArray(next) || next !== null ? next : undefined);
  };
  return (
    <>
      <Input.TextArea
        id={id}
        value={text}
        onFocus={() => (editing.current = true)}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        autoSize={{ minRows: 1, maxRows: 8 }}
        style={{ fontFamily: 'monospace', fontSize: 12 }}
        status={error ? 'error' : undefined}
      />
      {error ? <Typography.Text type="danger">{error}</Typography.Text> : null}
    </>
  );
}

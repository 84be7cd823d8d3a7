// The pipeline file of a branch: read through your account at the forge,
// edited as a form of stages and steps or as YAML (one text model, so
// switching keeps everything), its problems listed by line, and saved as a
// commit (a 409 when someone committed meanwhile).
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Empty, Flex, Input, Row, Segmented, Select, Space, Spin, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { pipelinePaths, type FileProblem, type Pipeline, type PipelineFile } from '../../api/pipelines';
import { ApiError } from '../../api/problem';
import { errorMessage } from '../../components/ErrorView';
import { LazyYamlEditor } from '../../components/editor/LazyEditors';
import {
  conditionValues,
  envText,
  kindSettings,
  newStage,
  newStep,
  parseEnv,
  parseFile,
  problemOf,
  serialize,
  setSetting,
  setWhen,
  stepKind,
  stepKinds,
  withKind,
  type FileModel,
} from './pipelineModel';

type Obj = Record<string, unknown>;

const events = ['push', 'pull_request', 'tag', 'cron', 'manual', 'image_push'];

interface Props {
  cluster: string;
  project: string;
  pipeline: Pipeline;
  defaultBranch?: string;
  canEdit: boolean;
}

export function PipelineFileTab({ cluster, project, pipeline, defaultBranch, canEdit }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const paths = pipelinePaths(cluster, project);
  const name = pipeline.metadata.name;
  const [branch, setBranch] = useState('');
  const [branchInput, setBranchInput] = useState('');
  const [view, setView] = useState<'form' | 'yaml'>('form');
  const [text, setText] = useState<string>();
  const [commitMessage, setCommitMessage] = useState('');
  const [serverProblems, setServerProblems] = useState<FileProblem[]>([]);
  const [saveError, setSaveError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const file = useQuery({
    queryKey: ['pipeline-file', cluster, project, name, branch],
    queryFn: () => api<PipelineFile>(paths.file(name, branch || undefined)),
    retry: false,
    refetchOnWindowFocus: false,
  });
  useEffect(() => {
    if (file.data) {
      setText(file.data.content || 'stages: []\n');
      setServerProblems(file.data.problems ?? []);
      setSaveError(undefined);
    }
  }, [file.data]);
  const parsed = useMemo(() => (text === undefined ? undefined : parseFile(text)), [text]);
  const yamlProblems = parsed?.problems ?? [];
  const dirty = file.data !== undefined && text !== undefined && text !== (file.data.content || 'stages: []\n');

  const save = async () => {
    if (!file.data || text === undefined) return;
    setSaving(true);
    setSaveError(undefined);
    try {
      const r = await api<{ commit: string; path: string; branch: string }>(paths.file(name), {
        method: 'PUT',
        body: { branch: file.data.branch, content: text, sha: file.data.sha, message: commitMessage || undefined },
      });
      setServerProblems([]);
      setCommitMessage('');
      void message.success(t('pipelines.fileSaved', { commit: r.commit.slice(0, 8), branch: r.branch }));
      await file.refetch();
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) {
        setServerProblems((e.problem.errors ?? []).map((d) => problemOf(d.message ?? '')));
      } else setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  if (file.error) {
    const needsAccount = file.error instanceof ApiError && file.error.status === 409;
    return (
      <Alert
        type={needsAccount ? 'info' : 'error'}
        showIcon
        role="alert"
        data-testid="file-unavailable"
        message={needsAccount ? t('pipelines.fileNeedsForge') : t('error.failed')}
        description={
          <>
            {needsAccount ? <Typography.Paragraph>{t('pipelines.fileNeedsForgeHelp')}</Typography.Paragraph> : null}
            <Typography.Text type="secondary">{errorMessage(file.error)}</Typography.Text>
          </>
        }
      />
    );
  }
  const problems = [...yamlProblems.map((p) => ({ ...p, field: undefined })), ...serverProblems];
  const conflict = saveError instanceof ApiError && saveError.status === 409;
  return (
    <>
      <Flex gap={8} wrap="wrap" align="center" style={{ marginBottom: 12 }}>
        <Space.Compact>
          <Input
            aria-label={t('pipelines.branch')}
            style={{ width: 200 }}
            placeholder={file.data?.branch || defaultBranch || 'main'}
            value={branchInput}
            onChange={(e) => setBranchInput(e.target.value)}
            onPressEnter={() => setBranch(branchInput.trim())}
          />
          <Button onClick={() => (branchInput.trim() === branch ? void file.refetch() : setBranch(branchInput.trim()))}>{t('pipelines.load')}</Button>
        </Space.Compact>
        <Segmented
          aria-label={t('pipelines.fileView')}
          value={view}
          onChange={(v) => setView(v as 'form' | 'yaml')}
          options={[
            { value: 'form', label: t('pipelines.formView'), disabled: !parsed?.model },
            { value: 'yaml', label: 'YAML' },
          ]}
        />
        {file.data ? (
          <Typography.Text type="secondary">
            {file.data.path} @ {file.data.branch}
            {file.data.exists ? '' : ` · ${t('pipelines.fileNew')}`}
          </Typography.Text>
        ) : null}
      </Flex>
      {file.isLoading ? <Spin style={{ display: 'block', margin: 24 }} /> : null}
      {problems.length ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          style={{ marginBottom: 12 }}
          data-testid="file-problems"
          message={t('pipelines.fileProblems', { count: problems.length })}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {problems.map((p, i) => (
                <li key={i}>
                  {p.line ? <Typography.Text strong>{p.column ? t('pipelines.lineColumn', { line: p.line, column: p.column }) : t('pipelines.lineN', { line: p.line })}: </Typography.Text> : null}
                  {p.field ? <Typography.Text code>{p.field}</Typography.Text> : null} {p.message}
                </li>
              ))}
            </ul>
          }
        />
      ) : null}
      {conflict ? (
        <Alert
          type="warning"
          showIcon
          role="alert"
          style={{ marginBottom: 12 }}
          message={t('pipelines.fileConflict')}
          description={t('pipelines.fileConflictHelp')}
          action={
            <Button size="small" onClick={() => void file.refetch()}>
              {t('pipelines.loadLatest')}
            </Button>
          }
        />
      ) : saveError ? (
        <Alert type="error" showIcon role="alert" style={{ marginBottom: 12 }} message={errorMessage(saveError)} />
      ) : null}
      {text !== undefined ? (
        view === 'yaml' || !parsed?.model ? (
          <LazyYamlEditor
            value={text}
            onChange={canEdit ? setText : undefined}
            readOnly={!canEdit}
            height={460}
            label={t('pipelines.fileYaml')}
            markers={problems.flatMap((p) => (p.line ? [{ line: p.line, column: p.column, message: p.field ? `${p.field}: ${p.message}` : p.message }] : []))}
          />
        ) : (
          <FileForm model={parsed.model} onChange={(m) => setText(serialize(m))} readOnly={!canEdit} />
        )
      ) : null}
      {canEdit && file.data ? (
        <Flex gap={8} style={{ marginTop: 12 }}>
          <Input
            aria-label={t('pipelines.commitMessage')}
            placeholder={t('pipelines.commitMessagePlaceholder', { path: file.data.path })}
            value={commitMessage}
            onChange={(e) => setCommitMessage(e.target.value)}
            style={{ maxWidth: 480 }}
          />
          <Button type="primary" loading={saving} disabled={!dirty || yamlProblems.length > 0} onClick={() => void save()}>
            {t('pipelines.saveFile')}
          </Button>
        </Flex>
      ) : null}
    </>
  );
}

/** FileForm shows the stages as cards of their steps. */
function FileForm({ model, onChange, readOnly }: { model: FileModel; onChange: (m: FileModel) => void; readOnly: boolean }) {
  const { t } = useTranslation();
  const setStage = (i: number, s: Obj) => onChange({ ...model, stages: model.stages.map((x, j) => (j === i ? s : x)) });
  const removeStage = (i: number) => onChange({ ...model, stages: model.stages.filter((_, j) => j !== i) });
  return (
    <div data-testid="file-form">
      {model.stages.length === 0 ? <Empty description={t('pipelines.noStages')} /> : null}
      {model.stages.map((stage, i) => {
        const steps = (stage.steps as Obj[]) ?? [];
        const setStep = (k: number, s: Obj) => setStage(i, { ...stage, steps: steps.map((x, j) => (j === k ? s : x)) });
        const n = i + 1;
        return (
          <Card
            key={i}
            size="small"
            style={{ marginBottom: 12 }}
            title={
              <Input
                addonBefore={t('pipelines.stageN', { n })}
                aria-label={t('pipelines.stageName', { n })}
                value={String(stage.name ?? '')}
                disabled={readOnly}
                onChange={(e) => setStage(i, { ...stage, name: e.target.value })}
                style={{ maxWidth: 360 }}
              />
            }
            extra={
              readOnly ? null : (
                <Button size="small" danger onClick={() => removeStage(i)}>
                  {t('pipelines.removeStage', { n })}
                </Button>
              )
            }
          >
            <WhenFields owner={stage} label={t('pipelines.stageN', { n })} onChange={(s) => setStage(i, s)} readOnly={readOnly} />
            <Row gutter={[12, 12]}>
              {steps.map((step, k) => (
                <Col key={k} xs={24} lg={12}>
                  <StepCard
                    step={step}
                    label={t('pipelines.stepN', { stage: n, n: k + 1 })}
                    onChange={(s) => setStep(k, s)}
                    onRemove={() => setStage(i, { ...stage, steps: steps.filter((_, j) => j !== k) })}
                    readOnly={readOnly}
                  />
                </Col>
              ))}
            </Row>
            {readOnly ? null : (
              <Button size="small" style={{ marginTop: 8 }} onClick={() => setStage(i, { ...stage, steps: [...steps, newStep(steps.length + 1)] })}>
                {t('pipelines.addStep')}
              </Button>
            )}
          </Card>
        );
      })}
      {readOnly ? null : <Button onClick={() => onChange({ ...model, stages: [...model.stages, newStage(model.stages.length + 1)] })}>{t('pipelines.addStage')}</Button>}
    </div>
  );
}

function WhenFields({ owner, label, onChange, readOnly }: { owner: Obj; label: string; onChange: (o: Obj) => void; readOnly: boolean }) {
  const { t } = useTranslation();
  const when = (owner.when as Obj | undefined) ?? {};
  return (
    <Row gutter={8} style={{ marginBottom: 8 }}>
      <Col span={12}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('pipelines.whenBranch')}
        </Typography.Text>
        <Select
          mode="tags"
          aria-label={`${label}: ${t('pipelines.whenBranch')}`}
          style={{ width: '100%' }}
          disabled={readOnly}
          open={false}
          suffixIcon={null}
          value={conditionValues(when.branch)}
          onChange={(v: string[]) => onChange(setWhen(owner, 'branch', v))}
        />
      </Col>
      <Col span={12}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('pipelines.whenEvent')}
        </Typography.Text>
        <Select
          mode="multiple"
          aria-label={`${label}: ${t('pipelines.whenEvent')}`}
          style={{ width: '100%' }}
          disabled={readOnly}
          value={conditionValues(when.event)}
          options={events.map((e) => ({ value: e, label: e }))}
          onChange={(v: string[]) => onChange(setWhen(owner, 'event', v))}
        />
      </Col>
    </Row>
  );
}

const kindFields: Record<string, { field: string; multiline?: boolean; mono?: boolean }[]> = {
  runScript: [{ field: 'image' }, { field: 'shellScript', multiline: true, mono: true }],
  publishImage: [{ field: 'dockerfilePath' }, { field: 'buildContext' }, { field: 'tag' }, { field: 'registry' }],
  applyYaml: [{ field: 'path' }, { field: 'namespace' }, { field: 'cluster' }],
  applyApp: [{ field: 'catalogTemplate' }, { field: 'version' }, { field: 'name' }, { field: 'targetNamespace' }],
};

function StepCard({ step, label, onChange, onRemove, readOnly }: { step: Obj; label: string; onChange: (s: Obj) => void; onRemove: () => void; readOnly: boolean }) {
  const { t } = useTranslation();
  const kind = stepKind(step);
  const settings = kindSettings(step);
  const [env, setEnv] = useState(envText(step.env));
  useEffect(() => setEnv(envText(step.env)), [step.env]);
  return (
    <Card size="small" type="inner" role="group" aria-label={label}>
      <Flex gap={8} style={{ marginBottom: 8 }}>
        <Input aria-label={`${label}: ${t('col.name')}`} value={String(step.name ?? '')} disabled={readOnly} onChange={(e) => onChange({ ...step, name: e.target.value })} />
        <Select
          aria-label={`${label}: ${t('pipelines.stepKind')}`}
          style={{ minWidth: 170 }}
          disabled={readOnly}
          value={kind}
          onChange={(k) => onChange(withKind(step, k))}
          options={[...stepKinds, ...(kind === 'applyApp' ? (['applyApp'] as const) : [])].map((k) => ({ value: k, label: t(`pipelines.kind_${k}`) }))}
        />
        {readOnly ? null : (
          <Button danger onClick={onRemove} aria-label={`${label}: ${t('action.remove')}`}>
            {t('action.remove')}
          </Button>
        )}
      </Flex>
      {(kind ? kindFields[kind] : []).map((f) => {
        const aria = `${label}: ${t(`pipelines.field_${f.field}`)}`;
        const value = settings[f.field] === undefined ? '' : String(settings[f.field]);
        return (
          <div key={f.field} style={{ marginBottom: 6 }}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t(`pipelines.field_${f.field}`)}
            </Typography.Text>
            {f.multiline ? (
              <Input.TextArea
                aria-label={aria}
                autoSize={{ minRows: 2, maxRows: 10 }}
                style={{ fontFamily: 'monospace' }}
                disabled={readOnly}
                value={value}
                onChange={(e) => onChange(setSetting(step, f.field, e.target.value))}
              />
            ) : (
              <Input aria-label={aria} disabled={readOnly} value={value} onChange={(e) => onChange(setSetting(step, f.field, e.target.value))} />
            )}
          </div>
        );
      })}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('pipelines.env')}
      </Typography.Text>
      <Input.TextArea
        aria-label={`${label}: ${t('pipelines.env')}`}
        autoSize={{ minRows: 1, maxRows: 6 }}
        style={{ fontFamily: 'monospace', marginBottom: 6 }}
        placeholder="KEY=value"
        disabled={readOnly}
        value={env}
        onChange={(e) => setEnv(e.target.value)}
        onBlur={() => {
          const next = parseEnv(env);
          const s = { ...step, env: next };
          if (!next) delete s.env;
          onChange(s);
        }}
      />
      <WhenFields owner={step} label={label} onChange={onChange} readOnly={readOnly} />
    </Card>
  );
}

// One execution: its stages as columns of step cards (state, duration, exit
// code, cache), kept current by its watch stream, with Abort while it
// runs, Rerun once it has ended, and the log of the step chosen (the
// preparation's too).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Flex, Popconfirm, Space, Spin, Tag, Typography, theme } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api/client';
import { duration, finished, shortCommit, stateColor, type PipelineExecution, type StageStatus, type StepStatus } from '../../api/pipelines';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { PageHeader } from '../../components/PageHeader';
import { useLiveKObject } from '../../live/useLiveKube';
import { links } from '../../nav/links';
import { StateTag, useCanPipelines, useProjectParams } from './common';
import { StepLog } from './StepLog';

/** Selected is a step's place: stage -1 is the preparation (the checkout). */
interface Selected {
  stage: number;
  step: number;
}

/**
 * firstInterest is the step to show until the reader picks one: a failed
 * one, else a running one, else the first (the preparation while it runs).
 */
function firstInterest(x: PipelineExecution): Selected {
  const stages = x.status?.stages ?? [];
  for (const state of ['Failed', 'Building']) {
    for (let i = 0; i < stages.length; i++) {
      const k = (stages[i].steps ?? []).findIndex((s) => s.state === state);
      if (k >= 0) return { stage: i, step: k };
    }
  }
  if (finished(x.status?.state) && stages[0]?.steps?.length) return { stage: 0, step: 0 };
  return { stage: -1, step: 0 };
}

export default function ExecutionDetailPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const nav = useNavigate();
  const qc = useQueryClient();
  const { cluster, project, name, paths } = useProjectParams();
  const can = useCanPipelines(cluster, project);
  const [selected, setSelected] = useState<Selected>();
  const [, tick] = useState(0);
  const q = useLiveKObject<PipelineExecution>(['pipeline-execution', cluster, project, name], paths.executions(), name, paths.execution(name));
  const x = q.data;
  // Another execution (a rerun opened): its own first step.
  useEffect(() => setSelected(undefined), [name]);
  const live = !!x && !finished(x.status?.state);
  // Running durations count up between events.
  useEffect(() => {
    if (!live) return;
    const id = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(id);
  }, [live]);
  const abort = useMutation({
    mutationFn: () => api(paths.abort(name), { method: 'POST' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['pipeline-execution', cluster, project, name] }),
    onError: (e) => void message.error(errorMessage(e)),
  });
  const rerun = useMutation({
    mutationFn: () => api<PipelineExecution>(paths.rerun(name), { method: 'POST' }),
    onSuccess: (r) => {
      setSelected(undefined);
      nav(links.pipelineExecution(cluster, project, r.metadata.name));
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const stages = x?.status?.stages ?? [];
  const sel = selected ?? (x ? firstInterest(x) : { stage: -1, step: 0 });
  const selTitle = sel.stage < 0 ? t('pipelines.preparation') : `${stages[sel.stage]?.name ?? ''} › ${stages[sel.stage]?.steps?.[sel.step]?.name ?? ''}`;
  return (
    <>
      <PageHeader
        title={x ? t('pipelines.executionTitle', { pipeline: x.spec.pipeline, run: x.spec.runNumber }) : name}
        sub={
          x ? (
            <Space size={4}>
              <Link to={links.pipelines({ cluster, project })}>{t('nav.pipelines')}</Link>
              <span>›</span>
              <Link to={links.pipeline(cluster, project, x.spec.pipeline)}>{x.spec.pipeline}</Link>
            </Space>
          ) : undefined
        }
        extra={
          x && can('update') ? (
            <>
              {live ? (
                <Popconfirm title={t('pipelines.abortConfirm', { run: x.spec.runNumber })} onConfirm={() => abort.mutateAsync().catch(() => {})}>
                  <Button danger loading={abort.isPending} disabled={x.spec.abort}>
                    {x.spec.abort ? t('pipelines.aborting') : t('pipelines.abort')}
                  </Button>
                </Popconfirm>
              ) : (
                <Button loading={rerun.isPending} onClick={() => rerun.mutate()}>
                  {t('pipelines.rerun')}
                </Button>
              )}
            </>
          ) : null
        }
      />
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      {q.isLoading ? <Spin style={{ display: 'block', margin: 24 }} /> : null}
      {x ? (
        <>
          <Descriptions bordered size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('col.status')}>
              <StateTag state={x.status?.state ?? 'Queueing'} testId="execution-state" />
              {x.status?.message ? <Typography.Text type="secondary"> {x.status.message}</Typography.Text> : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('pipelines.trigger')}>
              {t(`pipelines.triggerType_${x.spec.trigger}`, { defaultValue: x.spec.trigger })}
              {x.spec.triggeredBy ? ` · ${x.spec.triggeredBy}` : ''}
              {x.spec.rerunOf ? (
                <>
                  {' · '}
                  {t('pipelines.rerunOf')} <Link to={links.pipelineExecution(cluster, project, x.spec.rerunOf)}>{x.spec.rerunOf}</Link>
                </>
              ) : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('pipelines.duration')}>{duration(x.status?.started, x.status?.ended) || '-'}</Descriptions.Item>
            <Descriptions.Item label={t('pipelines.branch')}>{x.spec.branch || x.spec.tag || '-'}</Descriptions.Item>
            <Descriptions.Item label={t('pipelines.commit')}>
              <Typography.Text code copyable={x.spec.commit ? { text: x.spec.commit } : false}>
                {shortCommit(x.spec.commit) || '-'}
              </Typography.Text>
              {x.spec.message ? <Typography.Text type="secondary"> {x.spec.message.split('\n')[0]}</Typography.Text> : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('pipelines.started')}>{x.status?.started ? new Date(x.status.started).toLocaleString() : '-'}</Descriptions.Item>
          </Descriptions>
          <div role="list" aria-label={t('pipelines.stages')} style={{ display: 'flex', gap: 12, overflowX: 'auto', paddingBottom: 8, marginBottom: 12 }}>
            <StageColumn
              title={t('pipelines.preparation')}
              state={x.status?.state === 'Queueing' ? 'Waiting' : stages.length || finished(x.status?.state) ? 'Success' : 'Building'}
              steps={[{ name: t('pipelines.checkout'), state: x.status?.state === 'Queueing' ? 'Waiting' : stages.length || finished(x.status?.state) ? 'Success' : 'Building' }]}
              stageIndex={-1}
              selected={sel}
              onSelect={setSelected}
              testId="stage-prepare"
            />
            {stages.map((s, i) => (
              <StageColumn key={i} title={s.name} state={s.state} started={s.started} ended={s.ended} steps={s.steps ?? []} stageIndex={i} selected={sel} onSelect={setSelected} testId={`stage-${s.name}`} />
            ))}
          </div>
          <StepLog key={`${sel.stage}/${sel.step}/${name}`} cluster={cluster} project={project} execution={name} stage={sel.stage} step={sel.step} title={selTitle} live={live} />
        </>
      ) : null}
    </>
  );
}

function StageColumn({
  title,
  state,
  started,
  ended,
  steps,
  stageIndex,
  selected,
  onSelect,
  testId,
}: {
  title: string;
  state: StageStatus['state'];
  started?: string;
  ended?: string;
  steps: StepStatus[];
  stageIndex: number;
  selected: Selected;
  onSelect: (s: Selected) => void;
  testId: string;
}) {
  const { token } = theme.useToken();
  return (
    <div role="listitem" data-testid={testId} style={{ minWidth: 220, maxWidth: 280, flex: '0 0 auto', background: token.colorFillQuaternary, borderRadius: 8, padding: 8 }}>
      <Flex justify="space-between" align="center" style={{ marginBottom: 8 }} gap={6}>
        <Typography.Text strong ellipsis>
          {title}
        </Typography.Text>
        <Space size={4}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {duration(started, ended)}
          </Typography.Text>
          <StateTag state={state} />
        </Space>
      </Flex>
      <Flex vertical gap={6}>
        {steps.map((s, k) => (
          <StepCardButton key={k} step={s} active={selected.stage === stageIndex && selected.step === k} onClick={() => onSelect({ stage: stageIndex, step: k })} />
        ))}
      </Flex>
    </div>
  );
}

const borderColors: Record<string, keyof ReturnType<typeof theme.useToken>['token']> = {
  Success: 'colorSuccess',
  Failed: 'colorError',
  Building: 'colorPrimary',
  Aborted: 'colorWarning',
  Skipped: 'colorTextQuaternary',
  Waiting: 'colorBorder',
};

function StepCardButton({ step, active, onClick }: { step: StepStatus; active: boolean; onClick: () => void }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const color = token[borderColors[step.state] ?? 'colorBorder'] as string;
  return (
    <button
      type="button"
      onClick={onClick}
      aria-pressed={active}
      data-testid={`step-${step.name}`}
      data-state={step.state}
      title={step.message}
      style={{
        textAlign: 'start',
        cursor: 'pointer',
        font: 'inherit',
        color: token.colorText,
        background: token.colorBgContainer,
        // Longhands only: React updating a shorthand would reset the state bar.
        borderTop: `1px solid ${active ? token.colorPrimary : token.colorBorderSecondary}`,
        borderRight: `1px solid ${active ? token.colorPrimary : token.colorBorderSecondary}`,
        borderBottom: `1px solid ${active ? token.colorPrimary : token.colorBorderSecondary}`,
        borderLeft: `4px solid ${color}`,
        borderRadius: 6,
        padding: '6px 8px',
        boxShadow: active ? `0 0 0 2px ${token.colorPrimaryBg}` : undefined,
      }}
    >
      <Flex justify="space-between" align="center" gap={6}>
        <Typography.Text ellipsis style={{ maxWidth: 130 }}>
          {step.name}
        </Typography.Text>
        <Tag color={stateColor(step.state)} style={{ marginInlineEnd: 0 }}>
          {t(`pipelines.state_${step.state}`, { defaultValue: step.state })}
        </Tag>
      </Flex>
      <Flex gap={8} wrap="wrap" style={{ fontSize: 12, marginTop: 2 }}>
        {step.started ? <Typography.Text type="secondary">{duration(step.started, step.ended)}</Typography.Text> : null}
        {step.exitCode !== undefined && step.exitCode !== null ? (
          <Typography.Text type={step.exitCode === 0 ? 'secondary' : 'danger'}>{t('pipelines.exitCode', { code: step.exitCode })}</Typography.Text>
        ) : null}
        {step.cache ? <Typography.Text type="secondary">{t(`pipelines.cache${step.cache.result}`)}</Typography.Text> : null}
      </Flex>
      {step.message && step.state !== 'Success' ? (
        <Typography.Text type="secondary" ellipsis style={{ fontSize: 12, display: 'block', maxWidth: 230 }}>
          {step.message}
        </Typography.Text>
      ) : null}
    </button>
  );
}

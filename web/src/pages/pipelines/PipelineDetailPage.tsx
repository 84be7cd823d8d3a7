// One pipeline: its executions (newest first), its settings (triggers and
// branches) and its pipeline file, edited as a form or as YAML.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Space, Spin, Table, Tabs, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { duration, newestFirst, shortCommit, type Pipeline, type PipelineExecution, type SourceCodeRepository } from '../../api/pipelines';
import { Age } from '../../components/Age';
import { EmptyText } from '../../components/EmptyText';
import { ErrorView } from '../../components/ErrorView';
import { PageHeader } from '../../components/PageHeader';
import { useLiveKList, useLiveKObject } from '../../live/useLiveKube';
import { showProblem } from '../../components/formErrors';
import { links } from '../../nav/links';
import { RunDialog, StateTag, triggerSummary, useCanPipelines, useProjectParams } from './common';
import { PipelineFileTab } from './PipelineFileTab';
import { applyTriggers, TriggerFields, triggerValues, type TriggerValues } from './triggers';

export default function PipelineDetailPage() {
  const { t } = useTranslation();
  const { cluster, project, name, paths } = useProjectParams();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'executions';
  const can = useCanPipelines(cluster, project);
  const [running, setRunning] = useState(false);
  const q = useLiveKObject<Pipeline>(['pipeline', cluster, project, name], paths.pipelines, name, paths.pipeline(name));
  const p = q.data;
  const repo = useQuery({
    queryKey: ['scm-repository', cluster, project, p?.spec.repository],
    enabled: !!p,
    queryFn: () => api<SourceCodeRepository>(paths.repository(p!.spec.repository)),
  });
  const ready = p?.status?.conditions?.find((c) => c.type === 'Ready');
  return (
    <>
      <PageHeader
        title={name}
        sub={
          <Link to={links.pipelines({ cluster, project })}>
            {t('nav.pipelines')} · {project}
          </Link>
        }
        extra={
          can('create') ? (
            <Button type="primary" disabled={!p || p.spec.triggers?.manual === false || p.spec.suspend} onClick={() => setRunning(true)}>
              {t('pipelines.run')}
            </Button>
          ) : null
        }
      />
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      {q.isLoading ? <Spin style={{ display: 'block', margin: 24 }} /> : null}
      {p ? (
        <>
          <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('pipelines.repository')}>
              <Typography.Text copyable={repo.data ? { text: repo.data.spec.url } : false}>{repo.data?.spec.url ?? p.spec.repository}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('pipelines.triggers')}>{triggerSummary(p, t).join(', ')}</Descriptions.Item>
            <Descriptions.Item label={t('pipelines.branchInclude')}>{p.spec.branches?.include?.join(', ') || t('pipelines.allBranches')}</Descriptions.Item>
            <Descriptions.Item label={t('col.status')}>
              {ready ? (
                <Typography.Text type={ready.status === 'True' ? 'success' : ready.status === 'False' ? 'danger' : 'secondary'}>
                  {ready.reason}
                  {ready.message ? ` — ${ready.message}` : ''}
                </Typography.Text>
              ) : (
                <Typography.Text type={p.spec.suspend ? 'warning' : undefined}>{t(p.spec.suspend ? 'pipelines.suspended' : 'pipelines.active')}</Typography.Text>
              )}
            </Descriptions.Item>
          </Descriptions>
          <Tabs
            activeKey={tab}
            onChange={(k) => {
              const next = new URLSearchParams(params);
              next.set('tab', k);
              setParams(next, { replace: true });
            }}
            items={[
              { key: 'executions', label: t('pipelines.executions'), children: <Executions cluster={cluster} project={project} pipeline={name} /> },
              { key: 'settings', label: t('pipelines.settingsTab'), children: <SettingsTab pipeline={p} webhooks={true} canEdit={can('update')} /> },
              {
                key: 'file',
                label: t('pipelines.fileTab'),
                children: <PipelineFileTab cluster={cluster} project={project} pipeline={p} defaultBranch={repo.data?.spec.defaultBranch} canEdit={can('update')} />,
              },
            ]}
          />
        </>
      ) : null}
      <RunDialog cluster={cluster} project={project} pipeline={running ? name : undefined} defaultBranch={repo.data?.spec.defaultBranch} onClose={() => setRunning(false)} />
    </>
  );
}

/** Executions is a pipeline's history, newest first, kept current by its watch. */
function Executions({ cluster, project, pipeline }: { cluster: string; project: string; pipeline: string }) {
  const { t } = useTranslation();
  const { paths } = useProjectParams();
  const q = useLiveKList<PipelineExecution>(['pipeline-executions', cluster, project, pipeline], paths.executions(pipeline), newestFirst);
  return (
    <>
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      <Table<PipelineExecution>
        size="small"
        rowKey={(x) => x.metadata.name}
        loading={q.isLoading}
        dataSource={q.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <EmptyText text={t('pipelines.noExecutions')} /> }}
        columns={[
          {
            title: t('pipelines.runNumber'),
            render: (_, x) => (
              <Link to={links.pipelineExecution(cluster, project, x.metadata.name)} data-testid={`run-${x.spec.runNumber}`}>
                #{x.spec.runNumber}
              </Link>
            ),
          },
          { title: t('col.status'), render: (_, x) => <StateTag state={x.status?.state ?? 'Queueing'} testId={`run-state-${x.spec.runNumber}`} /> },
          {
            title: t('pipelines.trigger'),
            render: (_, x) => (
              <>
                {t(`pipelines.triggerType_${x.spec.trigger}`, { defaultValue: x.spec.trigger })}
                {x.spec.triggeredBy ? <Typography.Text type="secondary"> · {x.spec.triggeredBy}</Typography.Text> : null}
              </>
            ),
          },
          { title: t('pipelines.branch'), render: (_, x) => (x.spec.branch || x.spec.tag ? <Typography.Text code>{x.spec.branch || x.spec.tag}</Typography.Text> : '-') },
          {
            title: t('pipelines.commit'),
            render: (_, x) => (
              <span title={x.spec.message}>
                <Typography.Text code>{shortCommit(x.spec.commit)}</Typography.Text>
              </span>
            ),
          },
          { title: t('pipelines.started'), render: (_, x) => <Age since={x.status?.started ?? x.metadata.creationTimestamp} /> },
          { title: t('pipelines.duration'), render: (_, x) => duration(x.status?.started, x.status?.ended) || '-' },
        ]}
      />
    </>
  );
}

/** SettingsTab edits a pipeline's triggers, branches and target cluster. */
function SettingsTab({ pipeline, webhooks, canEdit }: { pipeline: Pipeline; webhooks: boolean; canEdit: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { cluster, project, paths } = useProjectParams();
  const qc = useQueryClient();
  const [form] = Form.useForm<TriggerValues>();
  const [errors, setErrors] = useState<string[]>([]);
  const [dirty, setDirty] = useState(false);
  useEffect(() => {
    if (!dirty) form.setFieldsValue(triggerValues(pipeline.spec));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pipeline.metadata.resourceVersion]);
  const save = useMutation({
    mutationFn: async (v: TriggerValues) => {
      // The latest version, so that the status the controllers write does not conflict.
      const current = await api<Pipeline>(paths.pipeline(pipeline.metadata.name));
      return api<Pipeline>(paths.pipeline(pipeline.metadata.name), {
        method: 'PUT',
        body: { metadata: { name: current.metadata.name, resourceVersion: current.metadata.resourceVersion }, spec: applyTriggers(current.spec, v) },
      });
    },
    onSuccess: () => {
      setDirty(false);
      setErrors([]);
      void message.success(t('pipelines.saved'));
      void qc.invalidateQueries({ queryKey: ['pipeline', cluster, project, pipeline.metadata.name] });
    },
    onError: (e) => setErrors(showProblem(form, e)),
  });
  return (
    <Card size="small" style={{ maxWidth: 820 }}>
      {errors.length ? <Alert type="error" showIcon role="alert" style={{ marginBottom: 12 }} message={errors.join('; ')} /> : null}
      <Form<TriggerValues> form={form} layout="vertical" disabled={!canEdit} onValuesChange={() => setDirty(true)} onFinish={(v) => save.mutate(v)}>
        <TriggerFields webhooks={webhooks} />
        <Space>
          <Button type="primary" htmlType="submit" loading={save.isPending} disabled={!dirty}>
            {t('action.save')}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}

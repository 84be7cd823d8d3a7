// A project's pipelines: the repository each builds, its last run and
// triggers, with Run and a way to create one. The project is chosen with
// the catalog's ScopePicker and kept in the address (?cluster=&project=).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Popconfirm, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { pipelinePaths, shortCommit, type Pipeline } from '../../api/pipelines';
import { Age } from '../../components/Age';
import { EmptyText } from '../../components/EmptyText';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { PageHeader } from '../../components/PageHeader';
import { links } from '../../nav/links';
import { ScopePicker } from '../addons/scope';
import { RunDialog, StateTag, triggerSummary, useCanPipelines, usePipelines } from './common';

export default function PipelineListPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const nav = useNavigate();
  const qc = useQueryClient();
  const [params] = useSearchParams();
  const cluster = params.get('cluster') ?? '';
  const project = params.get('project') ?? '';
  const ready = !!cluster && !!project;
  const can = useCanPipelines(cluster, project);
  const q = usePipelines(cluster, project, ready);
  const [running, setRunning] = useState<Pipeline>();
  const del = useMutation({
    mutationFn: (name: string) => api(pipelinePaths(cluster, project).pipeline(name), { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['pipelines', cluster, project] }),
    onError: (e) => void message.error(errorMessage(e)),
  });
  return (
    <>
      <PageHeader
        title={t('nav.pipelines')}
        sub={t('pipelines.subtitle')}
        extra={
          <>
            <Button disabled={!ready} onClick={() => nav(links.pipelineSettings(cluster, project))}>
              {t('pipelines.settings')}
            </Button>
            {!ready || can('create') ? (
              <Button type="primary" disabled={!ready} onClick={() => nav(links.pipelineNew(cluster, project))}>
                {t('pipelines.create')}
              </Button>
            ) : null}
          </>
        }
      />
      <Flex gap={12} align="center" wrap="wrap" style={{ marginBottom: 8 }}>
        <ScopePicker scope={{ cluster: cluster || undefined, project: project || undefined }} />
      </Flex>
      {!ready ? <Alert type="info" showIcon message={t('pipelines.pickProject')} style={{ marginBottom: 12 }} /> : null}
      {q.error ? <ErrorView error={q.error} /> : null}
      <Table<Pipeline>
        size="small"
        rowKey={(p) => p.metadata.name}
        loading={q.isLoading && ready}
        dataSource={q.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <EmptyText text={t('pipelines.none')} /> }}
        columns={[
          {
            title: t('col.name'),
            render: (_, p) => (
              <Link to={links.pipeline(cluster, project, p.metadata.name)} data-testid={`pipeline-${p.metadata.name}`}>
                {p.metadata.name}
              </Link>
            ),
          },
          { title: t('pipelines.repository'), render: (_, p) => p.spec.repository },
          {
            title: t('pipelines.lastRun'),
            render: (_, p) => {
              const x = p.status?.lastExecution;
              if (!x) return <Typography.Text type="secondary">{t('pipelines.never')}</Typography.Text>;
              return (
                <Space size={6} wrap>
                  <Link to={links.pipelineExecution(cluster, project, x.name)}>#{x.runNumber}</Link>
                  <StateTag state={x.state} testId={`last-state-${p.metadata.name}`} />
                  {x.branch ? <Typography.Text code>{x.branch}</Typography.Text> : null}
                  {x.commit ? <Typography.Text type="secondary">{shortCommit(x.commit)}</Typography.Text> : null}
                  <Age since={x.started} />
                </Space>
              );
            },
          },
          { title: t('pipelines.triggers'), render: (_, p) => triggerSummary(p, t).join(', ') },
          {
            title: t('col.actions'),
            render: (_, p) => (
              <Space size={4} wrap>
                {can('create') ? (
                  <Button size="small" disabled={p.spec.triggers?.manual === false || p.spec.suspend} onClick={() => setRunning(p)}>
                    {t('pipelines.run')}
                  </Button>
                ) : null}
                {can('delete') ? (
                  <Popconfirm title={t('pipelines.deleteConfirm', { name: p.metadata.name })} onConfirm={() => del.mutateAsync(p.metadata.name).catch(() => {})}>
                    <Button size="small" danger>
                      {t('action.delete')}
                    </Button>
                  </Popconfirm>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      <RunDialog cluster={cluster} project={project} pipeline={running?.metadata.name} onClose={() => setRunning(undefined)} />
    </>
  );
}

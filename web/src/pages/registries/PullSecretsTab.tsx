// Where the registry's pull secret is kept: in namespaces of clusters or in
// every namespace of a project, each with when it was last written, when
// its login expires, or why it is not in step.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Form, Input, Popconfirm, Radio, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../api/client';
import { recordPaths, type PullSecret, type PullSecretStatus, type RecordScope } from '../../api/registries';
import type { List, Namespace, Project } from '../../api/types';
import { Age, ageText } from '../../components/Age';
import { EmptyText } from '../../components/EmptyText';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { FormDialog } from '../../components/FormDialog';
import { FormSelect } from '../../components/FormSelect';
import { apiCluster } from '../../nav/links';
import { useClusterNames } from '../../nav/useClusterNames';

type State = 'written' | 'pending' | 'error';

function stateOf(p: PullSecret): State {
  if (p.status.some((s) => s.error)) return 'error';
  if (p.status.length === 0 || p.status.some((s) => !s.writtenAt)) return 'pending';
  return 'written';
}

const stateColors: Record<State, string> = { written: 'success', pending: 'processing', error: 'error' };

export function PullSecretsTab({ scope, registry }: { scope: RecordScope; registry: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const path = recordPaths(scope).pullSecrets(registry);
  const [adding, setAdding] = useState(false);
  // Every target's statuses show, but those the user folded.
  const [folded, setFolded] = useState<number[]>([]);
  const q = useQuery({
    queryKey: ['pullsecrets', path],
    queryFn: () => api<{ items: PullSecret[] }>(path),
    // The keeper writes soon after a change: look again sooner while any waits.
    refetchInterval: (query) => (query.state.data?.items.some((p) => stateOf(p) === 'pending') ? 2000 : 15_000),
  });
  const remove = useMutation({
    mutationFn: (id: number) => api(`${path}/${id}`, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['pullsecrets', path] }),
    onError: (e) => void message.error(errorMessage(e)),
  });
  const rows = q.data?.items ?? [];
  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
        <Typography.Text type="secondary">{t('pullSecrets.hint')}</Typography.Text>
        <Button type="primary" onClick={() => setAdding(true)}>
          {t('pullSecrets.add')}
        </Button>
      </Flex>
      {q.error ? <ErrorView error={q.error} /> : null}
      <Table<PullSecret>
        size="small"
        rowKey="id"
        loading={q.isLoading}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: <EmptyText text={t('pullSecrets.none')} /> }}
        expandable={{
          expandedRowRender: (p) => <StatusTable status={p.status} />,
          rowExpandable: (p) => p.status.length > 0,
          expandedRowKeys: rows.filter((p) => p.status.length > 0 && !folded.includes(p.id)).map((p) => p.id),
          onExpand: (open, p) => setFolded((f) => (open ? f.filter((id) => id !== p.id) : [...f, p.id])),
        }}
        columns={[
          { title: t('pullSecrets.cluster'), dataIndex: 'cluster' },
          {
            title: t('pullSecrets.target'),
            render: (_, p) => (p.project ? t('pullSecrets.projectTarget', { project: p.project }) : t('pullSecrets.namespaceTarget', { namespace: p.namespace })),
          },
          { title: t('pullSecrets.secretName'), render: (_, p) => <Typography.Text code>{p.secretName}</Typography.Text> },
          {
            title: t('col.status'),
            render: (_, p) => {
              const s = stateOf(p);
              return <Tag color={stateColors[s]}>{t(`pullSecrets.state_${s}`)}</Tag>;
            },
          },
          { title: t('col.age'), render: (_, p) => <Age since={p.createdAt} /> },
          {
            title: t('col.actions'),
            render: (_, p) => (
              <Popconfirm title={t('pullSecrets.removeConfirm', { name: p.secretName })} onConfirm={() => remove.mutateAsync(p.id).catch(() => {})}>
                <Button size="small" danger>
                  {t('action.remove')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <AddTargetDialog open={adding} onClose={() => setAdding(false)} path={path} registry={registry} />
    </>
  );
}

function StatusTable({ status }: { status: PullSecretStatus[] }) {
  const { t } = useTranslation();
  return (
    <Table<PullSecretStatus>
      size="small"
      rowKey="namespace"
      dataSource={status}
      pagination={false}
      aria-label={t('pullSecrets.perNamespace')}
      columns={[
        { title: t('col.namespace'), dataIndex: 'namespace' },
        {
          title: t('pullSecrets.written'),
          render: (_, s) =>
            s.writtenAt ? (
              <span title={new Date(s.writtenAt).toLocaleString()}>
                <Tag color="success">{t('pullSecrets.state_written')}</Tag>
                {t('pullSecrets.ago', { age: ageText(s.writtenAt) })}
              </span>
            ) : (
              <Tag color="processing">{t('pullSecrets.state_pending')}</Tag>
            ),
        },
        { title: t('pullSecrets.expires'), render: (_, s) => (s.expiresAt ? new Date(s.expiresAt).toLocaleString() : t('pullSecrets.noExpiry')) },
        { title: t('pullSecrets.error'), render: (_, s) => (s.error ? <Typography.Text type="danger">{s.error}</Typography.Text> : '-') },
      ]}
    />
  );
}

interface Values {
  cluster: string;
  kind: 'namespaces' | 'project';
  namespace?: string[];
  project?: string;
  secretName?: string;
}

function AddTargetDialog({ open, onClose, path, registry }: { open: boolean; onClose: () => void; path: string; registry: string }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const qc = useQueryClient();
  const clusters = useClusterNames();
  const cluster = Form.useWatch('cluster', form);
  const kind = Form.useWatch('kind', form) ?? 'namespaces';
  const namespaces = useQuery({
    queryKey: ['ns-names', cluster],
    enabled: open && !!cluster,
    queryFn: () => api<List<Namespace>>(`${apiCluster(cluster!)}/namespaces${query({ limit: 1000 })}`),
  });
  const projects = useQuery({
    queryKey: ['projects', cluster],
    enabled: open && !!cluster && kind === 'project',
    queryFn: () => api<List<Project>>(`${apiCluster(cluster!)}/projects${query({ limit: 1000 })}`),
  });
  const submit = async (v: Values) => {
    const base = { cluster: v.cluster, secretName: v.secretName || undefined };
    try {
      if (v.kind === 'project') {
        await api<PullSecret>(path, { method: 'POST', body: { ...base, project: v.project } });
      } else {
        // One target per namespace: each is kept (and removed) on its own.
        for (const namespace of v.namespace ?? []) await api<PullSecret>(path, { method: 'POST', body: { ...base, namespace } });
      }
    } finally {
      void qc.invalidateQueries({ queryKey: ['pullsecrets', path] });
    }
    onClose();
  };
  return (
    <FormDialog<Values>
      open={open}
      onClose={onClose}
      form={form}
      onSubmit={submit}
      title={t('pullSecrets.add')}
      submitText={t('pullSecrets.addSubmit')}
      initialValues={{ kind: 'namespaces', cluster: clusters.data?.[0] }}
      intro={<Typography.Paragraph type="secondary">{t('pullSecrets.addHint')}</Typography.Paragraph>}
    >
      <Form.Item name="cluster" label={t('pullSecrets.cluster')} rules={[{ required: true, message: t('form.required') }]}>
        <FormSelect
          loading={clusters.isLoading}
          options={(clusters.data ?? []).map((c) => ({ value: c, label: c }))}
          onChange={() => form.setFieldsValue({ namespace: [], project: undefined })}
        />
      </Form.Item>
      <Form.Item name="kind" label={t('pullSecrets.target')}>
        <Radio.Group
          options={[
            { value: 'namespaces', label: t('pullSecrets.kind_namespaces') },
            { value: 'project', label: t('pullSecrets.kind_project') },
          ]}
        />
      </Form.Item>
      {kind === 'project' ? (
        <Form.Item name="project" label={t('nav.projects')} rules={[{ required: true, message: t('form.required') }]} extra={t('pullSecrets.projectHint')}>
          <FormSelect
            showSearch
            loading={projects.isLoading}
            options={(projects.data?.items ?? []).map((p) => ({ value: p.name, label: p.displayName || p.name }))}
          />
        </Form.Item>
      ) : (
        <Form.Item name="namespace" label={t('nav.namespaces')} rules={[{ required: true, message: t('form.required') }]}>
          <FormSelect mode="multiple" showSearch loading={namespaces.isLoading} options={(namespaces.data?.items ?? []).map((n) => ({ value: n.name, label: n.name }))} />
        </Form.Item>
      )}
      <Form.Item name="secretName" label={t('pullSecrets.secretName')} extra={t('pullSecrets.secretNameHint')}>
        <Input placeholder={`${registry}-pull`} autoComplete="off" />
      </Form.Item>
    </FormDialog>
  );
}

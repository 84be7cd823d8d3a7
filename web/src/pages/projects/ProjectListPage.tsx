import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import type { List, Project } from '../../api/types';
import { usePermissions } from '../../auth/usePermissions';
import { ErrorView } from '../../components/ErrorView';
import { showProblem } from '../../components/formErrors';
import { KeyValues } from '../../components/KeyValues';
import { PageHeader } from '../../components/PageHeader';
import { apiCluster, links } from '../../nav/links';
import { parseLabels } from '../workloads/workloadForm';

export default function ProjectListPage() {
  const { cluster = '' } = useParams();
  const { t } = useTranslation();
  const can = usePermissions({ cluster });
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [form] = Form.useForm<{ name: string; displayName?: string; description?: string; quota?: string }>();
  const q = useQuery({ queryKey: ['projects', cluster], queryFn: () => api<List<Project>>(`${apiCluster(cluster)}/projects?limit=1000`) });
  const submit = async (v: { name: string; displayName?: string; description?: string; quota?: string }) => {
    setErrors([]);
    try {
      await api(`${apiCluster(cluster)}/projects`, { method: 'POST', body: { name: v.name, displayName: v.displayName, description: v.description, quota: parseLabels(v.quota) } });
      void qc.invalidateQueries({ queryKey: ['projects', cluster] });
      setOpen(false);
    } catch (e) {
      setErrors(showProblem(form, e, ['quota']));
    }
  };
  return (
    <>
      <PageHeader
        title={t('nav.projects')}
        extra={
          can('create', 'projects') ? (
            <Button type="primary" onClick={() => setOpen(true)}>
              {t('projects.create')}
            </Button>
          ) : null
        }
      />
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      <Table<Project>
        size="small"
        rowKey="name"
        loading={q.isLoading}
        pagination={false}
        dataSource={q.data?.items ?? []}
        columns={[
          { title: t('col.name'), render: (_, p) => <Link to={links.project(cluster, p.name)}>{p.displayName || p.name}</Link> },
          { title: t('col.description'), dataIndex: 'description' },
          { title: t('nav.namespaces'), render: (_, p) => (p.namespaces ?? []).map((n) => <Tag key={n}>{n}</Tag>) },
          { title: t('projects.quota'), render: (_, p) => <KeyValues map={p.quota} /> },
        ]}
      />
      <Modal open={open} title={t('projects.create')} onCancel={() => setOpen(false)} footer={null} destroyOnHidden>
        {errors.length ? <Alert type="error" role="alert" showIcon message={errors.join('; ')} style={{ marginBottom: 12 }} /> : null}
        <Form form={form} layout="vertical" onFinish={submit}>
          <Form.Item name="name" label={t('col.name')} rules={[{ required: true, message: t('form.required') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="displayName" label={t('clusters.displayName')}>
            <Input />
          </Form.Item>
          <Form.Item name="description" label={t('col.description')}>
            <Input />
          </Form.Item>
          <Form.Item name="quota" label={t('projects.quota')} extra={t('quotas.hardHint')}>
            <Input />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('action.create')}
          </Button>
        </Form>
      </Modal>
    </>
  );
}

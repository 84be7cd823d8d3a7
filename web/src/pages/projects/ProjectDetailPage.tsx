import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Form, Input, Popconfirm, Space, Tag, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../api/client';
import type { Project } from '../../api/types';
import { usePermissions } from '../../auth/usePermissions';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { KeyValues } from '../../components/KeyValues';
import { PageHeader } from '../../components/PageHeader';
import { apiCluster, links } from '../../nav/links';
import { MembersEditor } from './MembersEditor';

export default function ProjectDetailPage() {
  const { cluster = '', project = '' } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const nav = useNavigate();
  const can = usePermissions({ cluster, project });
  const qc = useQueryClient();
  const path = `${apiCluster(cluster)}/projects/${encodeURIComponent(project)}`;
  const q = useQuery({ queryKey: ['project', cluster, project], queryFn: () => api<Project>(path) });
  const done = () => void qc.invalidateQueries({ queryKey: ['project', cluster, project] });
  const addNs = useMutation({
    mutationFn: (namespace: string) => api(`${path}/namespaces`, { method: 'POST', body: { namespace } }),
    onSuccess: done,
    onError: (e) => void message.error(errorMessage(e)),
  });
  const removeNs = useMutation({
    mutationFn: (namespace: string) => api(`${path}/namespaces/${encodeURIComponent(namespace)}`, { method: 'DELETE' }),
    onSuccess: done,
    onError: (e) => void message.error(errorMessage(e)),
  });
  const p = q.data;
  const owner = can('update', 'projects');
  return (
    <>
      <PageHeader
        title={p?.displayName || project}
        sub={p?.description}
        extra={
<Button onClick={() => nav(links.pipelines({ cluster, project }))}>{t('nav.pipelines')}</Button>
        }
      />
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      {q.isLoading ? <Spin style={{ display: 'block', margin: 24 }} /> : null}
      {p ? (
        <>
          <Descriptions bordered size="small" column={1} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('projects.quota')}>
              <KeyValues map={p.quota} />
            </Descriptions.Item>
            <Descriptions.Item label={t('projects.namespaceQuota')}>
              <KeyValues map={p.namespaceQuota} />
            </Descriptions.Item>
          </Descriptions>
          <Card size="small" title={t('nav.namespaces')} style={{ marginBottom: 16 }}>
            <Space wrap style={{ marginBottom: 8 }}>
              {(p.namespaces ?? []).map((n) => (
                <Tag key={n} closable={owner} onClose={() => removeNs.mutate(n)} closeIcon={owner ? undefined : false}>
                  <Link to={links.namespace(cluster, n)}>{n}</Link>
                </Tag>
              ))}
            </Space>
            {owner ? (
              <Form layout="inline" onFinish={(v: { namespace: string }) => addNs.mutate(v.namespace)}>
                <Form.Item name="namespace" rules={[{ required: true, message: t('form.required') }]}>
                  <Input aria-label={t('projects.addNamespace')} placeholder={t('projects.addNamespace')} />
                </Form.Item>
                <Button htmlType="submit">{t('projects.move')}</Button>
              </Form>
            ) : null}
          </Card>
          <Card size="small" title={t('nav.members')}>
            <MembersEditor cluster={cluster} path={`${path}/members`} canEdit={can('update', 'members')} />
          </Card>
          {owner ? (
            <Popconfirm
              title={t('projects.deleteConfirm', { name: project })}
              onConfirm={() => api(`${path}?force=true`, { method: 'DELETE' }).then(() => history.back(), (e) => void message.error(errorMessage(e)))}
            >
              <Button danger style={{ marginTop: 16 }}>
                {t('action.delete')}
              </Button>
            </Popconfirm>
          ) : null}
        </>
      ) : null}
    </>
  );
}

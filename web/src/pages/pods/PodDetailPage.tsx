import { useMutation, useQuery } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Popconfirm, Table, Tag, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../api/client';
import type { Pod, PodContainer } from '../../api/types';
import { usePermissions } from '../../auth/usePermissions';
import { Age } from '../../components/Age';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { EventList } from '../../components/EventList';
import { KeyValues } from '../../components/KeyValues';
import { PageHeader } from '../../components/PageHeader';
import { StatusTag } from '../../components/StatusTag';
import { useLiveDetail } from '../../live/useLiveDetail';
import { apiNs, links } from '../../nav/links';

export default function PodDetailPage() {
  const { cluster = '', namespace = '', name = '' } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const nav = useNavigate();
  const can = usePermissions({ cluster, namespace });
  const key = ['pod', cluster, namespace, name];
  const listPath = `${apiNs(cluster, namespace)}/pods`;
  const interval = useLiveDetail(listPath, name, key);
  const q = useQuery({ queryKey: key, refetchInterval: interval, queryFn: () => api<Pod>(`${listPath}/${encodeURIComponent(name)}`) });
  const del = useMutation({
    mutationFn: () => api(`${listPath}/${encodeURIComponent(name)}`, { method: 'DELETE' }),
    onSuccess: () => nav(links.nsList(cluster, namespace, 'pods')),
    onError: (e) => void message.error(errorMessage(e)),
  });
  const p = q.data;
  return (
    <>
      <PageHeader
        title={name}
        sub={`${t('kind.pods')} · ${namespace}`}
        extra={
          <>
            <Link to={links.podLogs(cluster, namespace, name)}>
              <Button>{t('pods.logs')}</Button>
            </Link>
            {can('update', 'pods') ? (
              <Link to={links.podExec(cluster, namespace, name)}>
                <Button>{t('pods.exec')}</Button>
              </Link>
            ) : null}
            <Link to={links.kindObject(cluster, 'core', 'v1', 'pods', name, namespace)}>
              <Button>{t('action.yaml')}</Button>
            </Link>
            {can('delete', 'pods') ? (
              <Popconfirm title={t('pods.deleteConfirm', { name })} onConfirm={() => del.mutate()}>
                <Button danger>{t('action.delete')}</Button>
              </Popconfirm>
            ) : null}
          </>
        }
      />
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      {q.isLoading ? <Spin style={{ display: 'block', margin: 24 }} /> : null}
      {p ? (
        <>
          <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('col.status')}>
              <StatusTag status={p.phase} /> {p.deleting ? <Tag color="warning">{t('pods.terminating')}</Tag> : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('col.ready')}>{p.ready}</Descriptions.Item>
            <Descriptions.Item label={t('col.restarts')}>{p.restarts}</Descriptions.Item>
            <Descriptions.Item label={t('col.node')}>{p.node ? <Link to={links.node(cluster, p.node)}>{p.node}</Link> : '-'}</Descriptions.Item>
            <Descriptions.Item label={t('pods.ip')}>{p.podIPs?.join(', ') || '-'}</Descriptions.Item>
            <Descriptions.Item label={t('col.owner')}>{p.owner ? `${p.owner.kind}/${p.owner.name}` : '-'}</Descriptions.Item>
            <Descriptions.Item label={t('pods.qos')}>{p.qosClass ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={t('col.age')}>
              <Age since={p.creationTimestamp} />
            </Descriptions.Item>
            <Descriptions.Item label={t('col.labels')}>
              <KeyValues map={p.labels} />
            </Descriptions.Item>
          </Descriptions>
          <Card size="small" title={t('pods.containers')} style={{ marginBottom: 16 }}>
            <Table<PodContainer>
              size="small"
              rowKey="name"
              pagination={false}
              dataSource={p.containers}
              columns={[
                { title: t('col.name'), dataIndex: 'name' },
                { title: t('workloads.image'), dataIndex: 'image' },
                { title: t('col.status'), render: (_, c) => <StatusTag status={c.state} /> },
                { title: t('col.ready'), render: (_, c) => (c.ready ? t('common.yes') : t('common.no')) },
                { title: t('col.restarts'), dataIndex: 'restartCount' },
                { title: t('col.reason'), dataIndex: 'reason' },
              ]}
            />
          </Card>
          <Card size="small" title={t('kind.events')}>
            <EventList events={p.events ?? []} />
          </Card>
        </>
      ) : null}
    </>
  );
}

// One release: its status and objects' readiness, values, notes and
// history (roll back to a revision), upgrade with the plan's diff first,
// drift and repair, uninstall; the operation running on it, followed.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Popconfirm, Table, Tabs, Tag, Typography } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { stringify } from 'yaml';
import { api } from '../../api/client';
import { ApiError } from '../../api/problem';
import { releasePaths, type Operation, type ReleaseDetail, type ReleaseResource, type Revision } from '../../api/addons';
import { Age } from '../../components/Age';
import { LazyYamlEditor } from '../../components/editor/LazyEditors';
import { EmptyText } from '../../components/EmptyText';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { PageHeader } from '../../components/PageHeader';
import { links } from '../../nav/links';
import { OperationProgress, useOperation } from './OperationProgress';
import { DriftDialog, UninstallDialog } from './ReleaseDialogs';
import { ReleaseStatus } from './ReleaseStatus';
import { UpgradeDialog } from './UpgradeDialog';

export default function ReleaseDetailPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const nav = useNavigate();
  const qc = useQueryClient();
  const { cluster = '', namespace = '', release = '' } = useParams();
  const paths = releasePaths(cluster);
  const [followed, setFollowed] = useState<Operation>();
  const [dialog, setDialog] = useState<'upgrade' | 'drift' | 'uninstall'>();
  const followedRunning = useRef(false);
  const q = useQuery({
    queryKey: ['releases', cluster, 'detail', namespace, release],
    queryFn: () => api<ReleaseDetail>(paths.release(namespace, release)),
    refetchInterval: (q) => (q.state.data?.operation || followedRunning.current ? 2000 : false),
  });
  const history = useQuery({
    queryKey: ['releases', cluster, 'history', namespace, release],
    enabled: q.isSuccess,
    queryFn: () => api<{ items: Revision[] }>(paths.history(namespace, release)),
  });
  const op = followed ?? q.data?.operation;
  // The operation as last polled (OperationProgress polls the same query).
  const live = useOperation(cluster, namespace, release, op).data ?? op;
  followedRunning.current = !!followed && live?.state === 'Running';
  const done = useCallback(
    (o: Operation) => {
      if (o.action === 'uninstall' && o.state === 'Succeeded') {
        void qc.invalidateQueries({ queryKey: ['releases', cluster] });
        message.success(t('addons.uninstalled', { name: release }));
        nav(links.releases(cluster));
        return;
      }
      void qc.invalidateQueries({ queryKey: ['releases', cluster] });
    },
    [qc, cluster, message, t, release, nav],
  );
  const rollback = async (rev: number) => {
    try {
      setFollowed(await api<Operation>(paths.rollback(namespace, release), { method: 'POST', body: { revision: rev } }));
    } catch (e) {
      void message.error(errorMessage(e));
    }
  };
  const r = q.data;
  const busy = live?.state === 'Running';
  const gone = q.error instanceof ApiError && q.error.status === 404;
  return (
    <>
      <PageHeader
        title={release}
        sub={r ? `${r.chart} ${r.chartVersion} · ${namespace} · ${cluster}` : undefined}
        extra={
          <>
            <Link to={links.releases(cluster)}>{t('addons.allReleases')}</Link>
            <Button disabled={!r || busy} onClick={() => setDialog('upgrade')}>
              {t('addons.upgrade')}
            </Button>
            <Button disabled={!r || busy} onClick={() => setDialog('drift')}>
              {t('addons.checkDrift')}
            </Button>
            <Button danger disabled={!r || busy} onClick={() => setDialog('uninstall')}>
              {t('addons.uninstall')}
            </Button>
          </>
        }
      />
      {gone && !op ? <Alert type="info" showIcon message={t('addons.releaseGone', { name: release })} /> : q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      {op ? (
        <Card size="small" title={t('addons.operation')} style={{ marginBottom: 12 }}>
          <OperationProgress key={op.id} cluster={cluster} op={op} onDone={done} />
        </Card>
      ) : null}
      {r ? (
        <>
          <Descriptions size="small" bordered column={{ xs: 1, md: 2, xl: 3 }} style={{ marginBottom: 12 }}>
            <Descriptions.Item label={t('col.status')}>
              <span data-testid="release-status">
                <ReleaseStatus status={r.status} />
              </span>
              {r.ready ? <Tag color="success">{t('addons.ready')}</Tag> : <Tag color="warning">{t('addons.notReady')}</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label={t('addons.revision')}>
              <span data-testid="release-revision">{r.revision}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('addons.chart')}>
              {r.chart} {r.chartVersion}
            </Descriptions.Item>
            <Descriptions.Item label={t('addons.appVersion')}>{r.appVersion ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={t('addons.updated')}>
              <Age since={r.updated} />
            </Descriptions.Item>
            <Descriptions.Item label={t('addons.managedBy')}>{r.managedByWheelhouse ? 'Wheelhouse' : t('addons.helmCli')}</Descriptions.Item>
            {r.description ? (
              <Descriptions.Item label={t('col.description')} span={3}>
                {r.description}
              </Descriptions.Item>
            ) : null}
          </Descriptions>
          <Tabs
            items={[
              {
                key: 'resources',
                label: t('addons.resources', { count: r.resources.length }),
                children: <Resources cluster={cluster} items={r.resources} />,
              },
              {
                key: 'values',
                label: t('addons.values'),
                children: Object.keys(r.values).length ? (
                  <>
                    <Typography.Paragraph type="secondary">{t('addons.valuesAreOverrides')}</Typography.Paragraph>
                    <LazyYamlEditor value={stringify(r.values)} readOnly height={320} label={t('addons.values')} />
                  </>
                ) : (
                  <EmptyText text={t('addons.noOverrides')} />
                ),
              },
              {
                key: 'notes',
                label: t('addons.notes'),
                children: r.notes ? (
                  <pre className="log-view" tabIndex={0} style={{ whiteSpace: 'pre-wrap', padding: 8 }}>
                    {r.notes}
                  </pre>
                ) : (
                  <EmptyText text={t('addons.noNotes')} />
                ),
              },
              {
                key: 'history',
                label: t('addons.history'),
                children: (
                  <Table<Revision>
                    size="small"
                    rowKey="revision"
                    loading={history.isLoading}
                    dataSource={history.data?.items ?? []}
                    pagination={false}
                    columns={[
                      { title: t('addons.revision'), dataIndex: 'revision' },
                      { title: t('col.status'), render: (_, h) => <ReleaseStatus status={h.status} /> },
                      { title: t('addons.chart'), render: (_, h) => `${h.chart} ${h.chartVersion}` },
                      { title: t('addons.appVersion'), dataIndex: 'appVersion' },
                      { title: t('addons.updated'), render: (_, h) => <Age since={h.updated} /> },
                      { title: t('col.description'), dataIndex: 'description' },
                      {
                        title: t('col.actions'),
                        render: (_, h) =>
                          h.revision === r.revision ? (
                            <Tag>{t('addons.current')}</Tag>
                          ) : (
                            <Popconfirm title={t('addons.rollbackConfirm', { revision: h.revision })} onConfirm={() => rollback(h.revision)}>
                              <Button size="small" disabled={busy}>
                                {t('addons.rollback')}
                              </Button>
                            </Popconfirm>
                          ),
                      },
                    ]}
                  />
                ),
              },
            ]}
          />
        </>
      ) : null}
      {r && dialog === 'upgrade' ? <UpgradeDialog cluster={cluster} release={r} onClose={() => setDialog(undefined)} onStarted={setFollowed} /> : null}
      {r && dialog === 'drift' ? <DriftDialog cluster={cluster} release={r} onClose={() => setDialog(undefined)} onStarted={setFollowed} /> : null}
      {r && dialog === 'uninstall' ? <UninstallDialog cluster={cluster} release={r} onClose={() => setDialog(undefined)} onStarted={setFollowed} /> : null}
    </>
  );
}

function Resources({ cluster, items }: { cluster: string; items: ReleaseResource[] }) {
  const { t } = useTranslation();
  const link = (o: ReleaseResource) => {
    const kind = o.kind.toLowerCase() + 's';
    if (o.namespace && ['deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'configmaps', 'secrets', 'pods'].includes(kind))
      return links.nsObject(cluster, o.namespace, kind, o.name);
    if (o.namespace && ['services', 'ingresses', 'persistentvolumeclaims'].includes(kind)) return `${links.nsList(cluster, o.namespace, kind)}?name=${encodeURIComponent(o.name)}`;
    return undefined;
  };
  return (
    <Table<ReleaseResource>
      size="small"
      rowKey={(o) => `${o.apiVersion}/${o.kind}/${o.namespace ?? ''}/${o.name}`}
      dataSource={items}
      pagination={false}
      columns={[
        { title: t('col.type'), render: (_, o) => `${o.kind}` },
        { title: t('col.name'), render: (_, o) => (link(o) ? <Link to={link(o)!}>{o.name}</Link> : o.name) },
        { title: t('col.namespace'), render: (_, o) => o.namespace ?? '-' },
        { title: t('col.status'), render: (_, o) => <ReleaseStatus status={o.status} /> },
        { title: t('col.message'), render: (_, o) => o.message },
      ]}
    />
  );
}

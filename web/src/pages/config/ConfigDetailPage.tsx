import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Popconfirm, Space, Table, Tabs, Tag, Spin } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { api, query } from '../../api/client';
import type { ConfigMapDetail, SecretDetail } from '../../api/types';
import { usePermissions } from '../../auth/usePermissions';
import { Age } from '../../components/Age';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { showProblem } from '../../components/formErrors';
import { KeyValues } from '../../components/KeyValues';
import { PageHeader } from '../../components/PageHeader';
import { useLiveDetail } from '../../live/useLiveDetail';
import { apiNs, links } from '../../nav/links';
import { ConfigHistory } from './ConfigHistory';
import { entriesToData, useConfigKind } from './configKind';
import { DataEditor } from './DataEditor';

type Detail = ConfigMapDetail & Partial<Pick<SecretDetail, 'type' | 'revealed'>> & { keys?: (string | { key: string; size: number })[] };

function decode(b64: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
  } catch {
    return b64;
  }
}

export default function ConfigDetailPage() {
  const { cluster = '', namespace = '', name = '' } = useParams();
  const kind = useConfigKind();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const nav = useNavigate();
  const qc = useQueryClient();
  const can = usePermissions({ cluster, namespace });
  const [reveal, setReveal] = useState(false);
  const [editing, setEditing] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [form] = Form.useForm<{ entries: { key: string; value: string }[] }>();
  const listPath = `${apiNs(cluster, namespace)}/${kind}`;
  const base = `${listPath}/${encodeURIComponent(name)}`;
  const key = ['config', base, reveal];
  const interval = useLiveDetail(listPath, name, ['config', base]);
  const q = useQuery({ queryKey: key, refetchInterval: editing ? false : interval, queryFn: () => api<Detail>(`${base}${query({ reveal: kind === 'secrets' && reveal ? true : undefined })}`) });
  const del = useMutation({
    mutationFn: () => api(base, { method: 'DELETE' }),
    onSuccess: () => nav(links.nsList(cluster, namespace, kind)),
    onError: (e) => void message.error(errorMessage(e)),
  });
  const d = q.data;
  const isSecret = kind === 'secrets';
  const values: Record<string, string> = isSecret ? Object.fromEntries(Object.entries(d?.data ?? {}).map(([k, v]) => [k, decode(v)])) : { ...(d?.data ?? {}) };
  const rows = isSecret
    ? ((d?.keys ?? []) as { key: string; size: number }[]).map((k) => ({ key: k.key, size: k.size, value: values[k.key] }))
    : Object.entries(values).map(([k, v]) => ({ key: k, size: v.length, value: v }));
  const canUpdate = can('update', kind);
  const startEdit = () => {
    form.setFieldsValue({ entries: rows.map((r) => ({ key: r.key, value: r.value ?? '' })) });
    setErrors([]);
    setEditing(true);
  };
  const save = async (v: { entries: { key?: string; value?: string }[] }) => {
    setErrors([]);
    const data = entriesToData(v.entries ?? []);
    const body = isSecret ? { resourceVersion: d!.resourceVersion, stringData: data, data: {} } : { resourceVersion: d!.resourceVersion, data };
    try {
      await api(base, { method: 'PUT', body });
      setEditing(false);
      void qc.invalidateQueries({ queryKey: ['config', base] });
      void qc.invalidateQueries({ queryKey: ['versions', base] });
    } catch (e) {
      setErrors(showProblem(form, e, ['data', 'stringData']));
    }
  };
  return (
    <>
      <PageHeader
        title={name}
        sub={`${t(`kind.${kind}`)} · ${namespace}`}
        extra={
          <>
            {isSecret && canUpdate && !reveal ? <Button onClick={() => setReveal(true)}>{t('config.reveal')}</Button> : null}
            {isSecret && reveal ? <Button onClick={() => setReveal(false)}>{t('config.hide')}</Button> : null}
            {canUpdate && !editing && (!isSecret || reveal) ? (
              <Button type="primary" onClick={startEdit}>
                {t('action.edit')}
              </Button>
            ) : null}
            {can('delete', kind) ? (
              <Popconfirm title={t('config.deleteConfirm', { name })} onConfirm={() => del.mutate()}>
                <Button danger>{t('action.delete')}</Button>
              </Popconfirm>
            ) : null}
          </>
        }
      />
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      {q.isLoading ? <Spin style={{ display: 'block', margin: 24 }} /> : null}
      {d ? (
        <Tabs
          items={[
            {
              key: 'data',
              label: t('config.data'),
              children: (
                <>
                  <Descriptions bordered size="small" column={2} style={{ marginBottom: 16 }}>
                    {isSecret ? <Descriptions.Item label={t('col.type')}>{d.type}</Descriptions.Item> : null}
                    <Descriptions.Item label={t('col.labels')}>
                      <KeyValues map={d.labels} />
                    </Descriptions.Item>
                    <Descriptions.Item label={t('col.age')}>
                      <Age since={d.creationTimestamp} />
                    </Descriptions.Item>
                  </Descriptions>
                  {editing ? (
                    <Card size="small">
                      {errors.length ? <Alert type="error" role="alert" showIcon message={errors.join('; ')} style={{ marginBottom: 12 }} /> : null}
                      <Form form={form} onFinish={save}>
                        <DataEditor />
                        <Space style={{ marginTop: 12 }}>
                          <Button type="primary" htmlType="submit">
                            {t('action.save')}
                          </Button>
                          <Button onClick={() => setEditing(false)}>{t('action.cancel')}</Button>
                        </Space>
                      </Form>
                    </Card>
                  ) : (
                    <Table
                      size="small"
                      rowKey="key"
                      pagination={false}
                      dataSource={rows}
                      columns={[
                        { title: t('form.key'), dataIndex: 'key' },
                        {
                          title: t('form.value'),
                          render: (_, r) =>
                            r.value !== undefined ? (
                              <pre className="log-view" style={{ whiteSpace: 'pre-wrap' }} data-testid={`value-${r.key}`}>
                                {r.value}
                              </pre>
                            ) : (
                              <Tag>{t('config.hidden', { size: r.size })}</Tag>
                            ),
                        },
                      ]}
                    />
                  )}
                </>
              ),
            },
            {
              key: 'history',
              label: t('config.history'),
              children: <ConfigHistory base={base} kind={kind} canUpdate={canUpdate} reveal={reveal} onRolledBack={() => void qc.invalidateQueries({ queryKey: ['config', base] })} />,
            },
          ]}
        />
      ) : null}
    </>
  );
}

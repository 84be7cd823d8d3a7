// Push webhooks of a registry: the endpoint on this server and a token
// (shown once, when created) for the registry to notify; what each
// delivery became.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Flex, Form, Input, Modal, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../api/client';
import { recordPaths, type RecordScope, type RegistryType, type RegistryWebhook, type WebhookDelivery, type WebhookSource } from '../../api/registries';
import type { List } from '../../api/types';
import { Age } from '../../components/Age';
import { Digest } from '../../components/Digest';
import { EmptyText } from '../../components/EmptyText';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { FormDialog } from '../../components/FormDialog';
import { tokenHeader, webhookSources } from './registryTypes';

/** The full URL of a webhook: its path on the server the console came from. */
export const hookUrl = (w: RegistryWebhook) => `${window.location.origin}${w.path}`;

/** snippet is what to enter at the sender: its settings with this webhook's URL and token. */
export function snippet(source: WebhookSource, url: string, token: string): string {
  switch (source) {
    case 'distribution':
      return `notifications:\n  endpoints:\n    - name: wheelhouse\n      url: ${url}\n      headers:\n        ${tokenHeader}: [${token}]`;
    case 'harbor':
      return `Endpoint URL: ${url}\nAuth Header: ${token}`;
    case 'acr':
    case 'dockerhub':
      return `${url}?token=${token}`;
    case 'tcr':
      return `URL: ${url}\n${tokenHeader}: ${token}`;
    case 'ecr':
      return `API destination endpoint: ${url}\nAPI key name: ${tokenHeader}\nAPI key value: ${token}`;
  }
}

/** HowToSend says where the sender puts the token, with the URL and (once) the token filled in. */
export function HowToSend({ hook, token }: { hook: RegistryWebhook; token?: string }) {
  const { t } = useTranslation();
  const text = snippet(hook.source, hookUrl(hook), token ?? '<token>');
  return (
    <div data-testid="how-to-send">
      <Typography.Paragraph style={{ marginBottom: 4 }}>{t(`webhooks.how_${hook.source}`, { header: tokenHeader })}</Typography.Paragraph>
      <Typography.Paragraph copyable={token ? { text } : false} style={{ marginBottom: 0 }}>
        <pre className="log-view" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', margin: 0, display: 'inline-block' }}>
          {text}
        </pre>
      </Typography.Paragraph>
    </div>
  );
}

const defaultSource: Record<RegistryType, WebhookSource> = { distribution: 'distribution', harbor: 'harbor', acr: 'acr', tcr: 'tcr', ecr: 'ecr' };

export function WebhooksTab({ scope, registry, type }: { scope: RecordScope; registry: string; type: RegistryType }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const path = recordPaths(scope).webhooks(registry);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<RegistryWebhook>();
  const [form] = Form.useForm<{ name: string; source: WebhookSource }>();
  const q = useQuery({ queryKey: ['webhooks', path], queryFn: () => api<{ items: RegistryWebhook[] }>(path) });
  const del = useMutation({
    mutationFn: (id: number) => api(`${path}/${id}`, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['webhooks', path] }),
    onError: (e) => void message.error(errorMessage(e)),
  });
  const create = async (v: { name: string; source: WebhookSource }) => {
    const w = await api<RegistryWebhook>(path, { method: 'POST', body: v });
    void qc.invalidateQueries({ queryKey: ['webhooks', path] });
    setCreating(false);
    setCreated(w);
  };
  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
        <Typography.Text type="secondary">{t('webhooks.hint')}</Typography.Text>
        <Button type="primary" onClick={() => setCreating(true)}>
          {t('webhooks.create')}
        </Button>
      </Flex>
      {q.error ? <ErrorView error={q.error} /> : null}
      <Table<RegistryWebhook>
        size="small"
        rowKey="id"
        loading={q.isLoading}
        dataSource={q.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <EmptyText text={t('webhooks.none')} /> }}
        expandable={{
          expandedRowRender: (w) => (
            <>
              <HowToSend hook={w} />
              <Deliveries path={`${path}/${w.id}/deliveries`} />
            </>
          ),
        }}
        columns={[
          { title: t('col.name'), dataIndex: 'name' },
          { title: t('webhooks.source'), render: (_, w) => <Tag>{t(`webhooks.source_${w.source}`)}</Tag> },
          { title: t('webhooks.url'), render: (_, w) => <Typography.Text copyable={{ text: hookUrl(w) }}>{hookUrl(w)}</Typography.Text> },
          { title: t('webhooks.token'), render: (_, w) => <Typography.Text code>{`${w.tokenPrefix}…`}</Typography.Text> },
          { title: t('col.age'), render: (_, w) => <Age since={w.createdAt} /> },
          {
            title: t('col.actions'),
            render: (_, w) => (
              <Popconfirm title={t('webhooks.deleteConfirm', { name: w.name })} onConfirm={() => del.mutateAsync(w.id).catch(() => {})}>
                <Button size="small" danger>
                  {t('action.delete')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <FormDialog<{ name: string; source: WebhookSource }>
        open={creating}
        onClose={() => setCreating(false)}
        form={form}
        onSubmit={create}
        title={t('webhooks.create')}
        submitText={t('action.create')}
        initialValues={{ source: defaultSource[type] }}
      >
        <Form.Item name="name" label={t('col.name')} rules={[{ required: true, message: t('form.required') }]} extra={t('clusters.nameHint')}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="source" label={t('webhooks.source')} extra={t('webhooks.sourceHint')}>
          <Select options={webhookSources.map((s) => ({ value: s, label: t(`webhooks.source_${s}`) }))} />
        </Form.Item>
      </FormDialog>
      <Modal
        open={!!created}
        title={t('webhooks.createdTitle', { name: created?.name })}
        onCancel={() => setCreated(undefined)}
        destroyOnHidden
        width={680}
        footer={
          <Flex justify="end">
            <Button type="primary" onClick={() => setCreated(undefined)}>
              {t('webhooks.done')}
            </Button>
          </Flex>
        }
      >
        {created ? (
          <>
            <Alert type="warning" showIcon message={t('webhooks.tokenOnce')} style={{ marginBottom: 12 }} />
            <Descriptions bordered size="small" column={1} style={{ marginBottom: 12 }}>
              <Descriptions.Item label={t('webhooks.url')}>
                <Typography.Text copyable data-testid="webhook-url" style={{ wordBreak: 'break-all' }}>
                  {hookUrl(created)}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('webhooks.token')}>
                <Typography.Text code copyable data-testid="webhook-token" style={{ wordBreak: 'break-all' }}>
                  {created.token}
                </Typography.Text>
              </Descriptions.Item>
            </Descriptions>
            <Typography.Title level={2} style={{ fontSize: 15 }}>
              {t('webhooks.howTitle')}
            </Typography.Title>
            <HowToSend hook={created} token={created.token} />
          </>
        ) : null}
      </Modal>
    </>
  );
}

const outcomeColors: Record<WebhookDelivery['outcome'], string> = { accepted: 'success', duplicate: 'default', ignored: 'default', rejected: 'error' };

function Deliveries({ path }: { path: string }) {
  const { t } = useTranslation();
  const q = useInfiniteQuery({
    queryKey: ['deliveries', path],
    initialPageParam: '',
    refetchInterval: 10_000,
    queryFn: ({ pageParam }) => api<List<WebhookDelivery>>(`${path}${query({ limit: 20, continue: pageParam })}`),
    getNextPageParam: (last) => last.continue || undefined,
  });
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div style={{ marginTop: 12 }}>
      <Flex justify="space-between" align="center" style={{ marginBottom: 4 }}>
        <Typography.Text strong>{t('webhooks.deliveries')}</Typography.Text>
        <Button size="small" onClick={() => void q.refetch()} loading={q.isRefetching}>
          {t('webhooks.refresh')}
        </Button>
      </Flex>
      {q.error ? <ErrorView error={q.error} /> : null}
      <Table<WebhookDelivery>
        size="small"
        rowKey="id"
        loading={q.isLoading}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: <EmptyText text={t('webhooks.noDeliveries')} /> }}
        columns={[
          { title: t('audit.time'), render: (_, d) => <Age since={d.time} /> },
          { title: t('webhooks.outcome'), render: (_, d) => <Tag color={outcomeColors[d.outcome]}>{t(`webhooks.outcome_${d.outcome}`)}</Tag> },
          { title: t('audit.status'), dataIndex: 'status' },
          { title: t('webhooks.image'), render: (_, d) => (d.repository ? `${d.repository}${d.tag ? `:${d.tag}` : ''}` : '-') },
          { title: t('registries.digest'), render: (_, d) => <Digest digest={d.digest} /> },
          { title: t('col.reason'), render: (_, d) => d.reason ?? '-' },
        ]}
      />
      {q.hasNextPage ? (
        <Button size="small" style={{ marginTop: 8 }} onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>
          {t('list.more')}
        </Button>
      ) : null}
    </div>
  );
}

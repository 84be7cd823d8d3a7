import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { List, Token } from '../../api/types';
import { Age } from '../../components/Age';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { showProblem } from '../../components/formErrors';
import { PageHeader } from '../../components/PageHeader';

/** Your sessions and API tokens; a new token is shown once. */
export default function TokensPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ name: string; expiresIn?: string }>();
  const [created, setCreated] = useState<string>();
  const [errors, setErrors] = useState<string[]>([]);
  const q = useQuery({ queryKey: ['tokens'], queryFn: () => api<List<Token>>('/api/v1/tokens?limit=1000') });
  const revoke = useMutation({
    mutationFn: (id: number) => api(`/api/v1/tokens/${id}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['tokens'] }),
    onError: (e) => void message.error(errorMessage(e)),
  });
  const create = async (v: { name: string; expiresIn?: string }) => {
    setErrors([]);
    try {
      const r = await api<{ token: string }>('/api/v1/tokens', { method: 'POST', body: { name: v.name, expiresIn: v.expiresIn || undefined } });
      setCreated(r.token);
      form.resetFields();
      void qc.invalidateQueries({ queryKey: ['tokens'] });
    } catch (e) {
      setErrors(showProblem(form, e));
    }
  };
  return (
    <>
      <PageHeader title={t('nav.tokens')} />
      {created ? (
        <Alert
          type="success"
          showIcon
          closable
          onClose={() => setCreated(undefined)}
          message={t('tokens.createdOnce')}
          description={<Typography.Text copyable code>{created}</Typography.Text>}
          style={{ marginBottom: 12 }}
        />
      ) : null}
      {errors.length ? <Alert type="error" role="alert" showIcon message={errors.join('; ')} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="inline" onFinish={create} style={{ marginBottom: 12 }}>
        <Form.Item name="name" rules={[{ required: true, message: t('form.required') }]}>
          <Input aria-label={t('tokens.name')} placeholder={t('tokens.name')} />
        </Form.Item>
        <Form.Item name="expiresIn">
          <Select
            aria-label={t('tokens.expiresIn')}
            placeholder={t('tokens.expiresIn')}
            allowClear
            style={{ width: 160 }}
            options={['24h', '720h', '8760h'].map((d) => ({ value: d, label: t(`tokens.expires_${d}`) }))}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('tokens.create')}
        </Button>
      </Form>
      {q.error ? <ErrorView error={q.error} /> : null}
      <Table<Token>
        size="small"
        rowKey="id"
        loading={q.isLoading}
        dataSource={q.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('tokens.name'), render: (_, k) => <>{k.name} {k.current ? <Tag color="blue">{t('tokens.current')}</Tag> : null}</> },
          { title: t('col.type'), dataIndex: 'kind' },
          { title: t('tokens.prefix'), dataIndex: 'prefix' },
          { title: t('tokens.created'), render: (_, k) => <Age since={k.createdAt} /> },
          { title: t('tokens.lastUsed'), render: (_, k) => <Age since={k.lastUsedAt} /> },
          { title: t('tokens.expires'), render: (_, k) => (k.expiresAt ? new Date(k.expiresAt).toLocaleString() : t('tokens.never')) },
          {
            title: t('col.actions'),
            render: (_, k) =>
              k.revokedAt ? (
                <Tag>{t('tokens.revoked')}</Tag>
              ) : (
                <Popconfirm title={t('tokens.revokeConfirm')} onConfirm={() => revoke.mutate(k.id)}>
                  <Button size="small" danger>
                    {t('tokens.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </>
  );
}

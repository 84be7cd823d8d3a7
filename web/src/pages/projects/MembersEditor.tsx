// Role bindings on a cluster or a project: list, add or change, remove.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Popconfirm, Select, Space, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Member } from '../../api/types';
import { ErrorView, errorMessage } from '../../components/ErrorView';

export const roles = ['owner', 'member', 'viewer'];

export function MembersEditor({ path, canEdit, cluster }: { path: string; canEdit: boolean; cluster: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['members', path], queryFn: () => api<{ items: Member[] }>(path) });
  const put = useMutation({
    mutationFn: (m: Member) => api(`${path}/${encodeURIComponent(m.username)}`, { method: 'PUT', body: { role: m.role } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['members', path] }),
    onError: (e) => void message.error(errorMessage(e)),
  });
  const del = useMutation({
    mutationFn: (username: string) => api(`${path}/${encodeURIComponent(username)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['members', path] }),
    onError: (e) => void message.error(errorMessage(e)),
  });
  const [form] = Form.useForm<Member>();
  return (
    <>
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      {canEdit ? (
        <Form form={form} layout="inline" onFinish={(m) => put.mutate(m, { onSuccess: () => form.resetFields() })} style={{ marginBottom: 12 }} initialValues={{ role: 'viewer' }}>
          <Form.Item name="username" rules={[{ required: true, message: t('form.required') }]}>
            <Input aria-label={t('members.username')} placeholder={t('members.username')} />
          </Form.Item>
          <Form.Item name="role">
            <Select aria-label={t('members.role')} style={{ width: 120 }} options={roles.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={put.isPending}>
            {t('members.add')}
          </Button>
        </Form>
      ) : null}
      <Table<Member>
        size="small"
        rowKey="username"
        pagination={false}
        loading={q.isLoading}
        dataSource={q.data?.items ?? []}
        columns={[
          { title: t('members.username'), dataIndex: 'username' },
          {
            title: t('members.role'),
            render: (_, m) =>
              canEdit ? (
                <Select aria-label={`${t('members.role')} ${m.username}`} value={m.role} style={{ width: 120 }} onChange={(role) => put.mutate({ ...m, role })} options={roles.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
              ) : (
                t(`role.${m.role}`)
              ),
          },
          {
            title: t('col.actions'),
            render: (_, m) =>
              canEdit ? (
                <Space>
                  <Popconfirm title={t('members.removeConfirm', { name: m.username })} onConfirm={() => del.mutate(m.username)}>
                    <Button size="small" danger>
                      {t('action.remove')}
                    </Button>
                  </Popconfirm>
                </Space>
              ) : null,
          },
        ]}
      />
    </>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Popconfirm, Select, Switch, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { List, User } from '../../api/types';
import { Age } from '../../components/Age';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { showProblem } from '../../components/formErrors';
import { PageHeader } from '../../components/PageHeader';

export default function UsersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [form] = Form.useForm<{ username: string; password: string; role: string; displayName?: string; email?: string }>();
  const q = useQuery({ queryKey: ['users'], queryFn: () => api<List<User>>('/api/v1/users?limit=1000') });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['users'] });
  const patch = useMutation({
    mutationFn: ({ username, body }: { username: string; body: Partial<User> }) => api(`/api/v1/users/${encodeURIComponent(username)}`, { method: 'PATCH', body }),
    onSuccess: refresh,
    onError: (e) => void message.error(errorMessage(e)),
  });
  const del = useMutation({
    mutationFn: (username: string) => api(`/api/v1/users/${encodeURIComponent(username)}`, { method: 'DELETE' }),
    onSuccess: refresh,
    onError: (e) => void message.error(errorMessage(e)),
  });
  const create = async (v: { username: string; password: string; role: string; displayName?: string; email?: string }) => {
    setErrors([]);
    try {
      await api('/api/v1/users', { method: 'POST', body: v });
      refresh();
      setOpen(false);
      form.resetFields();
    } catch (e) {
      setErrors(showProblem(form, e));
    }
  };
  return (
    <>
      <PageHeader
        title={t('nav.users')}
        extra={
          <Button type="primary" onClick={() => setOpen(true)}>
            {t('users.create')}
          </Button>
        }
      />
      {q.error ? <ErrorView error={q.error} /> : null}
      <Table<User>
        size="small"
        rowKey="username"
        loading={q.isLoading}
        dataSource={q.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('members.username'), dataIndex: 'username' },
          { title: t('users.displayName'), dataIndex: 'displayName' },
          { title: t('users.email'), dataIndex: 'email' },
          {
            title: t('users.role'),
            render: (_, u) => (
              <Select
                aria-label={`${t('users.role')} ${u.username}`}
                value={u.role}
                style={{ width: 100 }}
                onChange={(role) => patch.mutate({ username: u.username, body: { role } })}
                options={['admin', 'user'].map((r) => ({ value: r, label: t(`role.${r}`) }))}
              />
            ),
          },
          {
            title: t('users.enabled'),
            render: (_, u) => <Switch aria-label={`${t('users.enabled')} ${u.username}`} checked={!u.disabled} onChange={(on) => patch.mutate({ username: u.username, body: { disabled: !on } })} />,
          },
          { title: t('users.lastLogin'), render: (_, u) => <Age since={u.lastLoginAt} /> },
          {
            title: t('col.actions'),
            render: (_, u) => (
              <Popconfirm title={t('users.deleteConfirm', { name: u.username })} onConfirm={() => del.mutate(u.username)}>
                <Button size="small" danger>
                  {t('action.delete')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <Modal open={open} title={t('users.create')} onCancel={() => setOpen(false)} footer={null} destroyOnHidden>
        {errors.length ? <Alert type="error" role="alert" showIcon message={errors.join('; ')} style={{ marginBottom: 12 }} /> : null}
        <Form form={form} layout="vertical" onFinish={create} initialValues={{ role: 'user' }}>
          <Form.Item name="username" label={t('members.username')} rules={[{ required: true, message: t('form.required') }]}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('form.required') }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="role" label={t('users.role')}>
            <Select options={['admin', 'user'].map((r) => ({ value: r, label: t(`role.${r}`) }))} />
          </Form.Item>
          <Form.Item name="displayName" label={t('users.displayName')}>
            <Input />
          </Form.Item>
          <Form.Item name="email" label={t('users.email')}>
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

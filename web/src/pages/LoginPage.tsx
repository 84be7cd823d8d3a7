import { Alert, Button, Card, Checkbox, Form, Input, Layout, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { ApiError } from '../api/problem';
import { setToken } from '../api/session';
import { errorMessage } from '../components/ErrorView';

interface LoginAnswer {
  token: string;
}

/** safeNext keeps the return address inside the console. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/clusters';
}

export default function LoginPage() {
  const { t } = useTranslation();
  const nav = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const expired = params.has('next');
  const submit = async (v: { username: string; password: string; remember?: boolean }) => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api<LoginAnswer>('/api/v1/login', { method: 'POST', body: { username: v.username, password: v.password } });
      setToken(r.token, !!v.remember);
      nav(safeNext(params.get('next')), { replace: true });
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? t('login.invalid') : errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  document.title = `${t('login.title')} · Wheelhouse`;
  return (
    <Layout style={{ minHeight: '100vh', alignItems: 'center', justifyContent: 'center' }}>
      <main>
        <Card style={{ width: 360 }}>
          <Typography.Title level={1} style={{ fontSize: 24 }}>
            Wheelhouse
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
          {expired && !error ? <Alert type="info" showIcon message={t('login.signInAgain')} style={{ marginBottom: 12 }} /> : null}
          {error ? <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} /> : null}
          <Form layout="vertical" onFinish={submit} requiredMark={false}>
            <Form.Item name="username" label={t('login.username')} rules={[{ required: true, message: t('form.required') }]}>
              <Input autoComplete="username" autoFocus />
            </Form.Item>
            <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('form.required') }]}>
              <Input.Password autoComplete="current-password" />
            </Form.Item>
            <Form.Item name="remember" valuePropName="checked">
              <Checkbox>{t('login.remember')}</Checkbox>
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('login.submit')}
            </Button>
          </Form>
        </Card>
      </main>
    </Layout>
  );
}

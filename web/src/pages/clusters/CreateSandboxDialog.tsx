import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, InputNumber, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import { showProblem } from '../../components/formErrors';
import { links } from '../../nav/links';

/** Create a sandbox cluster; its detail page then shows the provisioning steps as they happen. */
export function CreateSandboxDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ name: string; nodes: number }>();
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const qc = useQueryClient();
  const nav = useNavigate();
  const submit = async (v: { name: string; nodes: number }) => {
    setBusy(true);
    setErrors([]);
    try {
      await api('/api/v1/clusters', { method: 'POST', body: { name: v.name, provider: 'sandbox', nodes: v.nodes } });
      void qc.invalidateQueries({ queryKey: ['clusters'] });
      onClose();
      nav(links.cluster(v.name));
    } catch (e) {
      setErrors(showProblem(form, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} title={t('clusters.createSandbox')} onCancel={onClose} footer={null} destroyOnHidden>
      {errors.length ? <Alert type="error" showIcon role="alert" message={errors.join('; ')} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ nodes: 3 }}>
        <Form.Item name="name" label={t('col.name')} rules={[{ required: true, message: t('form.required') }]}>
          <Input />
        </Form.Item>
        <Form.Item name="nodes" label={t('col.nodes')}>
          <InputNumber min={1} max={1000} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('action.create')}
        </Button>
      </Form>
    </Modal>
  );
}

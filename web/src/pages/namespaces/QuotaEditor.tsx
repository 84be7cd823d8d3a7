import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { showProblem } from '../../components/formErrors';
import { apiNs } from '../../nav/links';
import { parseLabels } from '../workloads/workloadForm';

/** QuotaEditor creates a ResourceQuota from `requests.cpu=2, pods=20`. */
export function QuotaEditor({ cluster, namespace }: { cluster: string; namespace: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ name: string; hard: string }>();
  const [errors, setErrors] = useState<string[]>([]);
  const qc = useQueryClient();
  const submit = async (v: { name: string; hard: string }) => {
    setErrors([]);
    try {
      await api(`${apiNs(cluster, namespace)}/resourcequotas`, { method: 'POST', body: { name: v.name, hard: parseLabels(v.hard) ?? {} } });
      void qc.invalidateQueries({ queryKey: ['namespace', cluster, namespace] });
      setOpen(false);
    } catch (e) {
      setErrors(showProblem(form, e, ['hard']));
    }
  };
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        {t('quotas.create')}
      </Button>
      <Modal open={open} title={t('quotas.create')} onCancel={() => setOpen(false)} footer={null} destroyOnHidden>
        {errors.length ? <Alert type="error" role="alert" showIcon message={errors.join('; ')} style={{ marginBottom: 12 }} /> : null}
        <Form form={form} layout="vertical" onFinish={submit}>
          <Form.Item name="name" label={t('col.name')} rules={[{ required: true, message: t('form.required') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="hard" label={t('quotas.hard')} extra={t('quotas.hardHint')} rules={[{ required: true, message: t('form.required') }]}>
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

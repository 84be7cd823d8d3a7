import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { showProblem } from '../../components/formErrors';
import { apiCluster } from '../../nav/links';
import { parseLabels } from '../workloads/workloadForm';

export function CreateNamespaceDialog({ cluster, open, onClose }: { cluster: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ name: string; labels?: string }>();
  const [errors, setErrors] = useState<string[]>([]);
  const qc = useQueryClient();
  const submit = async (v: { name: string; labels?: string }) => {
    setErrors([]);
    try {
      await api(`${apiCluster(cluster)}/namespaces`, { method: 'POST', body: { name: v.name, labels: parseLabels(v.labels) } });
      void qc.invalidateQueries({ queryKey: ['ns-names', cluster] });
      onClose();
      form.resetFields();
    } catch (e) {
      setErrors(showProblem(form, e));
    }
  };
  return (
    <Modal open={open} title={t('namespaces.create')} onCancel={onClose} footer={null} destroyOnHidden>
      {errors.length ? <Alert type="error" role="alert" showIcon message={errors.join('; ')} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="name" label={t('col.name')} rules={[{ required: true, message: t('form.required') }]}>
          <Input />
        </Form.Item>
        <Form.Item name="labels" label={t('col.labels')} extra={t('form.labelsHint')}>
          <Input />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('action.create')}
        </Button>
      </Form>
    </Modal>
  );
}

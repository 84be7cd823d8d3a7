import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Form, InputNumber, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { showProblem } from '../../components/formErrors';
import { apiCluster } from '../../nav/links';

interface Options {
  ignoreDaemonSets: boolean;
  deleteEmptyDirData: boolean;
  force: boolean;
  gracePeriodSeconds?: number;
  timeoutSeconds?: number;
}

/** DrainDialog starts a drain; DrainProgress on the page then follows it. */
export function DrainDialog({ open, onClose, cluster, node }: { open: boolean; onClose: () => void; cluster: string; node: string }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Options>();
  const [errors, setErrors] = useState<string[]>([]);
  const qc = useQueryClient();
  const submit = async (v: Options) => {
    setErrors([]);
    try {
      await api(`${apiCluster(cluster)}/nodes/${encodeURIComponent(node)}/drain`, { method: 'POST', body: v });
      void qc.invalidateQueries({ queryKey: ['drain', cluster, node] });
      onClose();
    } catch (e) {
      setErrors(showProblem(form, e));
    }
  };
  return (
    <Modal open={open} title={t('nodes.drainTitle', { node })} onCancel={onClose} footer={null} destroyOnHidden>
      {errors.length ? <Alert type="error" role="alert" showIcon message={errors.join('; ')} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ ignoreDaemonSets: true, deleteEmptyDirData: false, force: false }}>
        <Form.Item name="ignoreDaemonSets" valuePropName="checked">
          <Checkbox>{t('nodes.ignoreDaemonSets')}</Checkbox>
        </Form.Item>
        <Form.Item name="deleteEmptyDirData" valuePropName="checked">
          <Checkbox>{t('nodes.deleteEmptyDirData')}</Checkbox>
        </Form.Item>
        <Form.Item name="force" valuePropName="checked">
          <Checkbox>{t('nodes.force')}</Checkbox>
        </Form.Item>
        <Form.Item name="gracePeriodSeconds" label={t('nodes.gracePeriod')}>
          <InputNumber min={0} />
        </Form.Item>
        <Form.Item name="timeoutSeconds" label={t('nodes.timeout')}>
          <InputNumber min={1} />
        </Form.Item>
        <Button type="primary" danger htmlType="submit">
          {t('nodes.drain')}
        </Button>
      </Form>
    </Modal>
  );
}

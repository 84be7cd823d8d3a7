// Import a cluster from a pasted or uploaded kubeconfig; the server's
// refusals (exec plugins, unreachable server, bad certificate) show on the
// field they name.
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import { showProblem } from '../../components/formErrors';
import { links } from '../../nav/links';

interface Values {
  name: string;
  displayName?: string;
  kubeconfig: string;
}

export function ImportClusterDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const qc = useQueryClient();
  const nav = useNavigate();
  const submit = async (v: Values) => {
    setBusy(true);
    setErrors([]);
    try {
      await api('/api/v1/clusters', { method: 'POST', body: { name: v.name, displayName: v.displayName || undefined, kubeconfig: v.kubeconfig } });
      void qc.invalidateQueries({ queryKey: ['clusters'] });
      void qc.invalidateQueries({ queryKey: ['cluster-names'] });
      onClose();
      form.resetFields();
      nav(links.cluster(v.name));
    } catch (e) {
      setErrors(showProblem(form, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} title={t('clusters.import')} onCancel={onClose} footer={null} destroyOnHidden width={640}>
      {errors.length ? <Alert type="error" showIcon role="alert" message={errors.join('; ')} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="name" label={t('col.name')} rules={[{ required: true, message: t('form.required') }]} extra={t('clusters.nameHint')}>
          <Input />
        </Form.Item>
        <Form.Item name="displayName" label={t('clusters.displayName')}>
          <Input />
        </Form.Item>
        <Form.Item name="kubeconfig" label={t('clusters.kubeconfig')} rules={[{ required: true, message: t('form.required') }]}>
          <Input.TextArea rows={10} spellCheck={false} style={{ fontFamily: 'monospace' }} placeholder={t('clusters.kubeconfigPlaceholder')} />
        </Form.Item>
        <Upload
          accept=".yaml,.yml,.conf,.config,text/plain"
          showUploadList={false}
          beforeUpload={(file) => {
            void file.text().then((text) => form.setFieldValue('kubeconfig', text));
            return false;
          }}
        >
          <Button>{t('clusters.upload')}</Button>
        </Upload>
        <div style={{ marginTop: 16, textAlign: 'right' }}>
          <Button onClick={onClose} style={{ marginRight: 8 }}>
            {t('action.cancel')}
          </Button>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('clusters.importSubmit')}
          </Button>
        </div>
      </Form>
    </Modal>
  );
}

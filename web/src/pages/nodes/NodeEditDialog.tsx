import { MinusCircleOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Node, Taint } from '../../api/types';
import { showProblem } from '../../components/formErrors';
import { apiCluster } from '../../nav/links';
import { nodePatch, type KeyValue } from './nodeEdit';

export function NodeEditDialog({ open, onClose, cluster, node }: { open: boolean; onClose: () => void; cluster: string; node: Node }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ labels: KeyValue[]; taints: Taint[] }>();
  const [errors, setErrors] = useState<string[]>([]);
  const qc = useQueryClient();
  const submit = async (v: { labels?: KeyValue[]; taints?: Taint[] }) => {
    setErrors([]);
    try {
      await api(`${apiCluster(cluster)}/nodes/${encodeURIComponent(node.name)}`, { method: 'PATCH', body: nodePatch(node.labels, v.labels ?? [], v.taints ?? []) });
      void qc.invalidateQueries({ queryKey: ['node', cluster, node.name] });
      onClose();
    } catch (e) {
      setErrors(showProblem(form, e));
    }
  };
  const initial = {
    labels: Object.entries(node.labels ?? {}).map(([key, value]) => ({ key, value })),
    taints: node.taints ?? [],
  };
  return (
    <Modal open={open} title={t('nodes.editLabelsTaints')} onCancel={onClose} footer={null} destroyOnHidden width={720}>
      {errors.length ? <Alert type="error" role="alert" showIcon message={errors.join('; ')} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} onFinish={submit} initialValues={initial}>
        <Typography.Title level={2} style={{ fontSize: 15 }}>
          {t('col.labels')}
        </Typography.Title>
        <Form.List name="labels">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="baseline">
                  <Form.Item name={[f.name, 'key']}>
                    <Input aria-label={t('form.key')} placeholder={t('form.key')} style={{ width: 280 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'value']}>
                    <Input aria-label={t('form.value')} placeholder={t('form.value')} style={{ width: 240 }} />
                  </Form.Item>
                  <Button type="text" aria-label={t('action.remove')} icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} />
                </Space>
              ))}
              <Button onClick={() => add({ key: '', value: '' })}>{t('form.addLabel')}</Button>
            </>
          )}
        </Form.List>
        <Typography.Title level={2} style={{ fontSize: 15, marginTop: 16 }}>
          {t('nodes.taints')}
        </Typography.Title>
        <Form.List name="taints">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="baseline">
                  <Form.Item name={[f.name, 'key']}>
                    <Input aria-label={t('form.key')} placeholder={t('form.key')} style={{ width: 200 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'value']}>
                    <Input aria-label={t('form.value')} placeholder={t('form.value')} style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'effect']}>
                    <Select
                      aria-label={t('nodes.effect')}
                      style={{ width: 160 }}
                      options={['NoSchedule', 'PreferNoSchedule', 'NoExecute'].map((e) => ({ value: e, label: e }))}
                    />
                  </Form.Item>
                  <Button type="text" aria-label={t('action.remove')} icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} />
                </Space>
              ))}
              <Button onClick={() => add({ key: '', value: '', effect: 'NoSchedule' })}>{t('nodes.addTaint')}</Button>
            </>
          )}
        </Form.List>
        <div style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit">
            {t('action.save')}
          </Button>
        </div>
      </Form>
    </Modal>
  );
}

import { Alert, Button, Card, Form, Input, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { api } from '../../api/client';
import { showProblem } from '../../components/formErrors';
import { PageHeader } from '../../components/PageHeader';
import { apiNs, links } from '../../nav/links';
import { parseLabels } from '../workloads/workloadForm';
import { entriesToData, useConfigKind } from './configKind';
import { DataEditor } from './DataEditor';

interface Values {
  name: string;
  labels?: string;
  type?: string;
  entries?: { key?: string; value?: string }[];
}

export default function ConfigCreatePage() {
  const { cluster = '', namespace = '' } = useParams();
  const kind = useConfigKind();
  const { t } = useTranslation();
  const nav = useNavigate();
  const [form] = Form.useForm<Values>();
  const [errors, setErrors] = useState<string[]>([]);
  const submit = async (v: Values) => {
    setErrors([]);
    const data = entriesToData(v.entries ?? []);
    const body =
      kind === 'secrets'
        ? { name: v.name, labels: parseLabels(v.labels), type: v.type, stringData: data }
        : { name: v.name, labels: parseLabels(v.labels), data };
    try {
      await api(`${apiNs(cluster, namespace)}/${kind}`, { method: 'POST', body });
      nav(links.nsObject(cluster, namespace, kind, v.name));
    } catch (e) {
      setErrors(showProblem(form, e, ['data', 'stringData']));
    }
  };
  return (
    <>
      <PageHeader title={t('config.createTitle', { kind: t(`kind.${kind}`) })} sub={namespace} />
      <Card size="small">
        {errors.length ? <Alert type="error" role="alert" showIcon message={errors.join('; ')} style={{ marginBottom: 12 }} /> : null}
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ type: 'Opaque', entries: [{ key: '', value: '' }] }}>
          <Form.Item name="name" label={t('col.name')} rules={[{ required: true, message: t('form.required') }]}>
            <Input style={{ maxWidth: 400 }} />
          </Form.Item>
          <Form.Item name="labels" label={t('col.labels')} extra={t('form.labelsHint')}>
            <Input style={{ maxWidth: 400 }} />
          </Form.Item>
          {kind === 'secrets' ? (
            <Form.Item name="type" label={t('col.type')}>
              <Select style={{ maxWidth: 400 }} options={['Opaque', 'kubernetes.io/basic-auth', 'kubernetes.io/tls', 'kubernetes.io/dockerconfigjson'].map((x) => ({ value: x, label: x }))} />
            </Form.Item>
          ) : null}
          <Form.Item label={t('config.data')}>
            <DataEditor />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('action.create')}
          </Button>
        </Form>
      </Card>
    </>
  );
}

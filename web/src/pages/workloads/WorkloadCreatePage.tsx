import { MinusCircleOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, InputNumber, Space, Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { api } from '../../api/client';
import { usePermissions } from '../../auth/usePermissions';
import { YamlApply } from '../../components/apply/YamlApply';
import { showProblem } from '../../components/formErrors';
import { PageHeader } from '../../components/PageHeader';
import { apiNs, links } from '../../nav/links';
import NotFoundPage from '../NotFoundPage';
import { manifestYaml } from './manifest';
import { formToSpec, workloadKinds, type WorkloadFormValues, type WorkloadKind } from './workloadForm';

/** Problem locations under body.containers[0] land on the form's flat container fields. */
const containerFields: Record<string, keyof WorkloadFormValues> = { image: 'image', name: 'containerName', command: 'command', args: 'args', ports: 'ports', env: 'env' };

export default function WorkloadCreatePage() {
  const { cluster = '', namespace = '', kind = '' } = useParams();
  const { t } = useTranslation();
  const nav = useNavigate();
  const can = usePermissions({ cluster, namespace });
  const [form] = Form.useForm<WorkloadFormValues>();
  const [errors, setErrors] = useState<string[]>([]);
  const [tab, setTab] = useState('form');
  const [yaml, setYaml] = useState('');
  const [busy, setBusy] = useState(false);
  if (!workloadKinds.includes(kind as WorkloadKind)) return <NotFoundPage />;
  const k = kind as WorkloadKind;
  const submit = async (v: WorkloadFormValues) => {
    setBusy(true);
    setErrors([]);
    try {
      await api(`${apiNs(cluster, namespace)}/${kind}`, { method: 'POST', body: formToSpec(k, v) });
      nav(links.nsObject(cluster, namespace, kind, v.name.trim()));
    } catch (e) {
      const rest = showProblem(form, e);
      // body.containers[0].image → the image field.
      const unplaced = rest.filter((m) => {
        const match = /^containers\.0\.(\w+)/.exec(m);
        if (match && containerFields[match[1]]) {
          form.setFields([{ name: containerFields[match[1]], errors: [m.slice(m.indexOf(':') + 1).trim()] }]);
          return false;
        }
        return true;
      });
      setErrors(unplaced);
    } finally {
      setBusy(false);
    }
  };
  const toYaml = async () => {
    const v = await form.validateFields();
    setYaml(manifestYaml(k, namespace, formToSpec(k, v)));
    setTab('yaml');
  };
  const scalable = k === 'deployments' || k === 'statefulsets';
  return (
    <>
      <PageHeader title={t('workloads.createTitle', { kind: t(`kind.${kind}`) })} sub={namespace} />
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'form',
            label: t('workloads.byForm'),
            children: (
              <Card size="small">
                {errors.length ? <Alert type="error" role="alert" showIcon message={errors.join('; ')} style={{ marginBottom: 12 }} /> : null}
                <Form form={form} layout="vertical" onFinish={submit} initialValues={{ replicas: 1 }} style={{ maxWidth: 720 }}>
                  <Form.Item name="name" label={t('col.name')} rules={[{ required: true, message: t('form.required') }]}>
                    <Input />
                  </Form.Item>
                  <Form.Item name="image" label={t('workloads.image')} rules={[{ required: true, message: t('form.required') }]}>
                    <Input placeholder="nginx:1.27" />
                  </Form.Item>
                  {scalable ? (
                    <Form.Item name="replicas" label={t('workloads.replicas')}>
                      <InputNumber min={0} />
                    </Form.Item>
                  ) : null}
                  {k === 'cronjobs' ? (
                    <Form.Item name="schedule" label={t('workloads.schedule')} rules={[{ required: true, message: t('form.required') }]}>
                      <Input placeholder="*/5 * * * *" />
                    </Form.Item>
                  ) : null}
                  {k === 'jobs' ? (
                    <Form.Item name="completions" label={t('workloads.completions')}>
                      <InputNumber min={1} />
                    </Form.Item>
                  ) : null}
                  <Form.Item name="labels" label={t('col.labels')} extra={t('form.labelsHint')}>
                    <Input />
                  </Form.Item>
                  <Form.Item name="containerName" label={t('workloads.container')}>
                    <Input placeholder={t('workloads.containerDefault')} />
                  </Form.Item>
                  <Form.Item name="command" label={t('workloads.command')}>
                    <Input placeholder='sh -c "sleep 3600"' />
                  </Form.Item>
                  <Form.Item name="args" label={t('workloads.args')}>
                    <Input />
                  </Form.Item>
                  <Form.Item name="ports" label={t('workloads.ports')} extra={t('workloads.portsHint')}>
                    <Input placeholder="80, 443" />
                  </Form.Item>
                  <Space wrap>
                    <Form.Item name="cpuRequest" label={t('workloads.cpuRequest')}>
                      <Input placeholder="100m" />
                    </Form.Item>
                    <Form.Item name="memoryRequest" label={t('workloads.memoryRequest')}>
                      <Input placeholder="128Mi" />
                    </Form.Item>
                    <Form.Item name="cpuLimit" label={t('workloads.cpuLimit')}>
                      <Input />
                    </Form.Item>
                    <Form.Item name="memoryLimit" label={t('workloads.memoryLimit')}>
                      <Input />
                    </Form.Item>
                  </Space>
                  <Form.List name="env">
                    {(fields, { add, remove }) => (
                      <Form.Item label={t('workloads.env')}>
                        {fields.map((f) => (
                          <Space key={f.key} align="baseline">
                            <Form.Item name={[f.name, 'name']}>
                              <Input aria-label={t('form.key')} placeholder={t('form.key')} />
                            </Form.Item>
                            <Form.Item name={[f.name, 'value']}>
                              <Input aria-label={t('form.value')} placeholder={t('form.value')} />
                            </Form.Item>
                            <Button type="text" aria-label={t('action.remove')} icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} />
                          </Space>
                        ))}
                        <Button onClick={() => add({ name: '', value: '' })}>{t('workloads.addEnv')}</Button>
                      </Form.Item>
                    )}
                  </Form.List>
                  <Space>
                    {can('create', kind) ? (
                      <Button type="primary" htmlType="submit" loading={busy}>
                        {t('action.create')}
                      </Button>
                    ) : null}
                    <Button onClick={() => void toYaml()}>{t('workloads.continueInYaml')}</Button>
                  </Space>
                </Form>
              </Card>
            ),
          },
          {
            key: 'yaml',
            label: t('workloads.byYaml'),
            children: (
              <YamlApply
                key={yaml}
                applyPath={`${apiNs(cluster, namespace)}/apply`}
                initial={yaml || manifestYaml(k, namespace, formToSpec(k, { name: 'example', image: 'nginx:1.27' }))}
                canApply={can('create', kind)}
                onApplied={(docs) => nav(docs[0] ? links.nsObject(cluster, namespace, kind, docs[0].name) : links.nsList(cluster, namespace, kind))}
              />
            ),
          },
        ]}
      />
    </>
  );
}

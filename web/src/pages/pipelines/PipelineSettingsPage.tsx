// How a project's pipelines run: the PipelineSetting named "default" (the
// one the controllers read): the executor quota, the default timeout and
// where the local engine runs steps. Without one, the defaults apply and
// saving creates it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Input, InputNumber, Radio, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { PipelineSetting } from '../../api/pipelines';
import { ApiError } from '../../api/problem';
import { ErrorView } from '../../components/ErrorView';
import { PageHeader } from '../../components/PageHeader';
import { showProblem } from '../../components/formErrors';
import { links } from '../../nav/links';
import { useCanPipelines, useProjectParams } from './common';

const NAME = 'default';

interface Values {
  executorQuota?: number;
  defaultTimeout?: string;
  isolation?: 'Process' | 'Podman';
}

export default function PipelineSettingsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { cluster, project, paths } = useProjectParams();
  const can = useCanPipelines(cluster, project);
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [errors, setErrors] = useState<string[]>([]);
  const q = useQuery({
    queryKey: ['pipeline-setting', cluster, project],
    queryFn: async () => {
      try {
        return await api<PipelineSetting>(paths.setting(NAME));
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  });
  useEffect(() => {
    if (q.data !== undefined) {
      const s = q.data?.spec;
      form.setFieldsValue({ executorQuota: s?.executorQuota ?? 2, defaultTimeout: s?.defaultTimeout ?? '', isolation: s?.isolation ?? 'Process' });
    }
  }, [q.data, form]);
  const save = useMutation({
    mutationFn: async (v: Values) => {
      const spec = { ...(q.data?.spec ?? {}), executorQuota: v.executorQuota, defaultTimeout: v.defaultTimeout?.trim() || undefined, isolation: v.isolation };
      if (q.data) {
        return api<PipelineSetting>(paths.setting(NAME), { method: 'PUT', body: { metadata: { name: NAME, resourceVersion: q.data.metadata.resourceVersion }, spec } });
      }
      return api<PipelineSetting>(paths.settings, { method: 'POST', body: { metadata: { name: NAME }, spec } });
    },
    onSuccess: () => {
      setErrors([]);
      void message.success(t('pipelines.saved'));
      void qc.invalidateQueries({ queryKey: ['pipeline-setting', cluster, project] });
    },
    onError: (e) => {
      // The problem names spec.executorQuota; the form's field is executorQuota.
      if (e instanceof ApiError) e.problem.errors = e.problem.errors?.map((d) => ({ ...d, location: d.location?.replace(/^body\.spec\./, 'body.') }));
      setErrors(showProblem(form, e));
    },
  });
  return (
    <>
      <PageHeader title={t('pipelines.settingsTitle')} sub={<Link to={links.pipelines({ cluster, project })}>{t('nav.pipelines')} · {project}</Link>} />
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      {q.isLoading ? <Spin style={{ display: 'block', margin: 24 }} /> : null}
      {q.data !== undefined ? (
        <Card style={{ maxWidth: 720 }}>
          {q.data === null ? <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('pipelines.settingsDefaults')} /> : null}
          {q.data?.status ? (
            <Descriptions bordered size="small" column={2} style={{ marginBottom: 12 }}>
              <Descriptions.Item label={t('pipelines.building')}>{q.data.status.building ?? 0}</Descriptions.Item>
              <Descriptions.Item label={t('pipelines.queueing')}>{q.data.status.queueing ?? 0}</Descriptions.Item>
            </Descriptions>
          ) : null}
          {errors.length ? <Alert type="error" showIcon role="alert" style={{ marginBottom: 12 }} message={errors.join('; ')} /> : null}
          <Form<Values> form={form} layout="vertical" disabled={!can('update')} onFinish={(v) => save.mutate(v)}>
            <Form.Item name="executorQuota" label={t('pipelines.executorQuota')} extra={t('pipelines.executorQuotaHelp')} rules={[{ required: true, message: t('form.required') }]}>
              <InputNumber min={1} max={100} style={{ width: 160 }} />
            </Form.Item>
            <Form.Item
              name="defaultTimeout"
              label={t('pipelines.defaultTimeout')}
              extra={t('pipelines.defaultTimeoutHelp')}
              rules={[{ pattern: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, message: t('pipelines.durationInvalid') }]}
            >
              <Input placeholder="60m" style={{ width: 160 }} />
            </Form.Item>
            <Form.Item name="isolation" label={t('pipelines.isolation')} extra={t('pipelines.isolationHelp')}>
              <Radio.Group
                options={[
                  { value: 'Process', label: t('pipelines.isolation_Process') },
                  { value: 'Podman', label: t('pipelines.isolation_Podman') },
                ]}
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              {t('action.save')}
            </Button>
          </Form>
        </Card>
      ) : null}
    </>
  );
}

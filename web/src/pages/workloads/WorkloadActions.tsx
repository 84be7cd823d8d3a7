// The actions on one workload, each offered only for the kinds that have it
// and only to callers allowed to update the kind.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, InputNumber, Modal, Popconfirm, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import type { WorkloadDetail } from '../../api/types';
import { errorMessage } from '../../components/ErrorView';
import { apiNs, links } from '../../nav/links';

interface Props {
  cluster: string;
  namespace: string;
  kind: string;
  w: WorkloadDetail;
  canUpdate: boolean;
  canDelete: boolean;
  canCreateJobs: boolean;
}

export function WorkloadActions({ cluster, namespace, kind, w, canUpdate, canDelete, canCreateJobs }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const nav = useNavigate();
  const base = `${apiNs(cluster, namespace)}/${kind}/${encodeURIComponent(w.name)}`;
  const [replicas, setReplicas] = useState<number | null>(w.replicas?.desired ?? null);
  const [imageOpen, setImageOpen] = useState(false);
  const post = useMutation({
    mutationFn: ({ action, body }: { action: string; body?: unknown }) => api(`${base}/${action}`, { method: 'POST', body: body ?? {} }),
    onSuccess: (_d, v) => {
      void message.success(t('workloads.done', { action: t(`workloads.action_${v.action}`) }));
      void qc.invalidateQueries({ queryKey: ['workload', cluster, namespace, kind, w.name] });
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const del = useMutation({
    mutationFn: () => api(`${base}?propagationPolicy=Background`, { method: 'DELETE' }),
    onSuccess: () => nav(links.nsList(cluster, namespace, kind)),
    onError: (e) => void message.error(errorMessage(e)),
  });
  const scalable = kind === 'deployments' || kind === 'statefulsets';
  const restartable = kind === 'deployments' || kind === 'statefulsets' || kind === 'daemonsets';
  return (
    <Space wrap>
      {canUpdate && scalable ? (
        <Space.Compact>
          <InputNumber aria-label={t('workloads.replicas')} min={0} value={replicas} onChange={(v) => setReplicas(v)} style={{ width: 80 }} />
          <Button onClick={() => post.mutate({ action: 'scale', body: { replicas: replicas ?? 0 } })}>{t('workloads.action_scale')}</Button>
        </Space.Compact>
      ) : null}
      {canUpdate && restartable ? <Button onClick={() => post.mutate({ action: 'restart' })}>{t('workloads.action_restart')}</Button> : null}
      {canUpdate && kind === 'deployments' ? (
        w.paused ? (
          <Button onClick={() => post.mutate({ action: 'resume' })}>{t('workloads.action_resume')}</Button>
        ) : (
          <Button onClick={() => post.mutate({ action: 'pause' })}>{t('workloads.action_pause')}</Button>
        )
      ) : null}
      {canUpdate && kind === 'cronjobs' ? (
        w.cronJob?.suspend ? (
          <Button onClick={() => post.mutate({ action: 'resume' })}>{t('workloads.action_resume')}</Button>
        ) : (
          <Button onClick={() => post.mutate({ action: 'suspend' })}>{t('workloads.action_suspend')}</Button>
        )
      ) : null}
      {canCreateJobs && kind === 'cronjobs' ? <Button onClick={() => post.mutate({ action: 'run' })}>{t('workloads.action_run')}</Button> : null}
      {canUpdate ? <Button onClick={() => setImageOpen(true)}>{t('workloads.action_image')}</Button> : null}
      {canDelete ? (
        <Popconfirm title={t('workloads.deleteConfirm', { name: w.name })} onConfirm={() => del.mutate()}>
          <Button danger>{t('action.delete')}</Button>
        </Popconfirm>
      ) : null}
      <Modal open={imageOpen} title={t('workloads.action_image')} footer={null} onCancel={() => setImageOpen(false)} destroyOnHidden>
        <Form
          layout="vertical"
          initialValues={{ container: w.spec?.containers?.[0]?.name, image: w.spec?.containers?.[0]?.image }}
          onFinish={(v: { container: string; image: string }) => post.mutate({ action: 'image', body: v }, { onSuccess: () => setImageOpen(false) })}
        >
          <Form.Item name="container" label={t('workloads.container')}>
            <Select options={(w.spec?.containers ?? []).map((c) => ({ value: c.name, label: c.name }))} />
          </Form.Item>
          <Form.Item name="image" label={t('workloads.image')} rules={[{ required: true, message: t('form.required') }]}>
            <Input />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('action.save')}
          </Button>
        </Form>
      </Modal>
    </Space>
  );
}

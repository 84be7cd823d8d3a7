// Copy (or retag) an image to any registry of the scope; once started the
// dialog follows the copy until it ends.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Flex, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../api/client';
import { recordPaths, type CopyJob, type RecordScope, type Registry } from '../../api/registries';
import type { List } from '../../api/types';
import { FormDialog } from '../../components/FormDialog';
import { FormSelect } from '../../components/FormSelect';
import { CopyProgress } from './CopyProgress';

interface Values {
  from: { repository: string; reference: string };
  to: { registry: string; repository: string; tag: string };
}

export interface CopySource {
  registry: string;
  repository?: string;
  reference?: string;
}

export function CopyDialog({ scope, source, onClose }: { scope: RecordScope; source?: CopySource; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const qc = useQueryClient();
  const [job, setJob] = useState<CopyJob>();
  const paths = recordPaths(scope);
  const regs = useQuery({
    queryKey: ['registries', paths.registries, 'all'],
    enabled: !!source,
    queryFn: () => api<List<Registry>>(`${paths.registries}${query({ limit: 1000 })}`),
  });
  const close = () => {
    setJob(undefined);
    onClose();
  };
  if (job) {
    return (
      <Modal
        open={!!source}
        title={t('copies.title')}
        onCancel={close}
        destroyOnHidden
        width={620}
        footer={
          <Flex justify="end">
            <Button onClick={close}>{t('action.close')}</Button>
          </Flex>
        }
      >
        <CopyProgress scope={scope} id={job.id} initial={job} />
      </Modal>
    );
  }
  const submit = async (v: Values) => {
    const j = await api<CopyJob>(paths.copies, { method: 'POST', body: { from: { ...v.from, registry: source!.registry }, to: v.to } });
    void qc.invalidateQueries({ queryKey: ['copies'] });
    setJob(j);
  };
  return (
    <FormDialog<Values>
      open={!!source}
      onClose={close}
      form={form}
      onSubmit={submit}
      title={t('copies.title')}
      submitText={t('copies.start')}
      width={620}
      initialValues={{
        from: { repository: source?.repository ?? '', reference: source?.reference ?? '' },
        to: { registry: source?.registry ?? '', repository: source?.repository ?? '', tag: source?.reference ?? '' },
      }}
      intro={<Typography.Paragraph type="secondary">{t('copies.hint')}</Typography.Paragraph>}
    >
      <Typography.Title level={2} style={{ fontSize: 15 }}>
        {t('copies.source')}
      </Typography.Title>
      <Form.Item label={t('copies.sourceRegistry')}>
        <Typography.Text strong>{source?.registry}</Typography.Text>
      </Form.Item>
      <Flex gap={8}>
        <Form.Item name={['from', 'repository']} label={t('registries.repository')} rules={[{ required: true, message: t('form.required') }]} style={{ flex: 2 }}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name={['from', 'reference']} label={t('copies.reference')} rules={[{ required: true, message: t('form.required') }]} style={{ flex: 1 }}>
          <Input autoComplete="off" />
        </Form.Item>
      </Flex>
      <Typography.Title level={2} style={{ fontSize: 15 }}>
        {t('copies.target')}
      </Typography.Title>
      <Form.Item name={['to', 'registry']} label={t('copies.targetRegistry')} rules={[{ required: true, message: t('form.required') }]}>
        <FormSelect loading={regs.isLoading} options={(regs.data?.items ?? []).map((r) => ({ value: r.name, label: `${r.name} (${r.endpoint})` }))} />
      </Form.Item>
      <Flex gap={8}>
        <Form.Item name={['to', 'repository']} label={t('copies.targetRepository')} rules={[{ required: true, message: t('form.required') }]} style={{ flex: 2 }}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name={['to', 'tag']} label={t('copies.targetTag')} rules={[{ required: true, message: t('form.required') }]} style={{ flex: 1 }}>
          <Input autoComplete="off" />
        </Form.Item>
      </Flex>
    </FormDialog>
  );
}

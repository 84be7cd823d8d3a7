// Install a chart: where (cluster, namespace, release name) and with what
// values (form or YAML); once accepted, the operation is followed here to
// its end, with a link to the release.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Col, Flex, Form, Input, Modal, Row } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { releasePaths, type ChartDetail, type Operation, type Values } from '../../api/addons';
import type { RecordScope } from '../../api/registries';
import type { List, Namespace } from '../../api/types';
import { FormSelect } from '../../components/FormSelect';
import { apiCluster, links } from '../../nav/links';
import { useClusterNames } from '../../nav/useClusterNames';
import { OperationProgress } from './OperationProgress';
import { splitProblem } from './problems';
import { ValuesEditor } from './ValuesEditor';
import { overrides, parseValues } from './values';

interface Target {
  cluster: string;
  namespace: string;
  name: string;
}

export function useNamespaces(cluster?: string, project?: string) {
  return useQuery({
    queryKey: ['ns-names', cluster],
    enabled: !!cluster,
    staleTime: 15_000,
    queryFn: () => api<List<Namespace>>(`${apiCluster(cluster!)}/namespaces?limit=1000`),
    select: (l) => l.items.filter((n) => !project || n.labels?.['wheelhouse.dev/project'] === project).map((n) => n.name),
  });
}

export function InstallDialog({ chart, scope, onClose }: { chart: ChartDetail; scope: RecordScope; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [form] = Form.useForm<Target>();
  const clusters = useClusterNames();
  const cluster = Form.useWatch('cluster', form) ?? scope.cluster;
  const namespaces = useNamespaces(cluster, scope.project);
  useEffect(() => {
    if (!form.getFieldValue('cluster') && clusters.data?.length) form.setFieldValue('cluster', clusters.data[0]);
  }, [clusters.data, form]);
  const defaults = useMemo(() => parseValues(chart.values).values ?? {}, [chart.values]);
  const [values, setValues] = useState<Values>(defaults);
  const [valueErrors, setValueErrors] = useState<Record<string, string[]>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [yamlInvalid, setYamlInvalid] = useState(false);
  const [busy, setBusy] = useState(false);
  const [op, setOp] = useState<{ cluster: string; op: Operation }>();

  const submit = async (v: Target) => {
    setBusy(true);
    setGeneral([]);
    setValueErrors({});
    try {
      const body = {
        name: v.name,
        chart: { repository: chart.repository, name: chart.name, version: chart.version },
        values: overrides(values, defaults),
      };
      const started = await api<Operation>(releasePaths(v.cluster).ns(v.namespace), { method: 'POST', body });
      setOp({ cluster: v.cluster, op: started });
    } catch (e) {
      const p = splitProblem(e);
      setValueErrors(p.values);
      const registered = new Set(['name', 'namespace', 'cluster']);
      form.setFields(p.fields.filter((f) => registered.has(String(f.name[0]))).map((f) => ({ name: f.name[0] as keyof Target, errors: f.errors })));
      const rest = p.fields.filter((f) => !registered.has(String(f.name[0]))).map((f) => `${f.name.join('.')}: ${f.errors.join('; ')}`);
      const msgs = [...rest, ...p.general];
      setGeneral(msgs.length || Object.keys(p.values).length || p.fields.length ? msgs : [String(e)]);
    } finally {
      setBusy(false);
    }
  };
  const done = () => void qc.invalidateQueries({ queryKey: ['releases'] });
  return (
    <Modal open title={t('addons.installTitle', { chart: chart.name, version: chart.version })} onCancel={onClose} footer={null} width={1000} destroyOnHidden maskClosable={!busy && !op}>
      {op ? (
        <>
          <OperationProgress cluster={op.cluster} op={op.op} onDone={done} />
          <Flex justify="end" gap={8} style={{ marginTop: 16 }}>
            <Link to={links.release(op.cluster, op.op.namespace, op.op.release)}>{t('addons.openRelease')}</Link>
            <Button onClick={onClose}>{t('action.close')}</Button>
          </Flex>
        </>
      ) : (
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ cluster: scope.cluster ?? clusters.data?.[0], name: chart.name }} preserve={false}>
          {general.length ? <Alert type="error" showIcon role="alert" message={general.join('; ')} style={{ marginBottom: 12 }} /> : null}
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item name="cluster" label={t('header.cluster')} rules={[{ required: true }]}>
                <FormSelect
                  disabled={!!scope.cluster}
                  options={(clusters.data ?? []).map((c) => ({ value: c, label: c, title: c }))}
                  onChange={() => form.setFieldValue('namespace', undefined)}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="namespace" label={t('col.namespace')} rules={[{ required: true }]}>
                <FormSelect showSearch loading={namespaces.isLoading} options={(namespaces.data ?? []).map((n) => ({ value: n, label: n, title: n }))} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name="name"
                label={t('addons.releaseName')}
                rules={[{ required: true }, { pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, message: t('addons.releaseNameRule') }, { max: 53 }]}
              >
                <Input />
              </Form.Item>
            </Col>
          </Row>
          <ValuesEditor schema={chart.valuesSchema} baseYaml={chart.values} value={values} onChange={setValues} errors={valueErrors} onInvalid={setYamlInvalid} />
          <Flex justify="end" gap={8} style={{ marginTop: 16 }}>
            <Button onClick={onClose}>{t('action.cancel')}</Button>
            <Button type="primary" htmlType="submit" loading={busy} disabled={yamlInvalid}>
              {t('addons.install')}
            </Button>
          </Flex>
        </Form>
      )}
    </Modal>
  );
}

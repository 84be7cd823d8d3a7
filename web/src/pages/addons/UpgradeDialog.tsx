// Upgrade a release: new values (the same editor as the install) or
// another version of its chart. The plan comes first, a server-side dry
// run's diff of every object that would change; only then is it applied.
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Flex, Form, Modal, Select, Spin, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { stringify } from 'yaml';
import { api } from '../../api/client';
import { releasePaths, type ChartRef, type Operation, type Plan, type ReleaseDetail, type Values } from '../../api/addons';
import type { Namespace } from '../../api/types';
import { useMe } from '../../auth/useMe';
import { apiNs } from '../../nav/links';
import { useChart } from './ChartDetailPage';
import { DiffList } from './DiffList';
import { splitProblem } from './problems';
import { ValuesEditor } from './ValuesEditor';
import { merge, overrides, parseValues } from './values';

/** useReleaseChart reads the catalog's chart of a release, in the scope the user reads the catalog in. */
function useReleaseChart(cluster: string, rel: ReleaseDetail, version: string) {
  const me = useMe();
  const admin = me.data?.role === 'admin';
  const ns = useQuery({
    queryKey: ['namespace', cluster, rel.namespace],
    enabled: !!me.data && !admin,
    queryFn: () => api<Namespace>(apiNs(cluster, rel.namespace)),
  });
  const project = ns.data?.labels?.['wheelhouse.dev/project'];
  const scope = admin ? {} : { cluster, project };
  const ready = !!me.data && (admin || !!project);
  const chart = useChart(scope, rel.chart, rel.repository, version, ready);
  return { chart, settled: !!me.data && (admin ? !chart.isLoading : ns.isFetched && (!project || !chart.isLoading)) };
}

export function UpgradeDialog({ cluster, release, onClose, onStarted }: { cluster: string; release: ReleaseDetail; onClose: () => void; onStarted: (op: Operation) => void }) {
  const { t } = useTranslation();
  const [version, setVersion] = useState(release.chartVersion);
  const { chart, settled } = useReleaseChart(cluster, release, version);
  const c = chart.data && chart.data.name === release.chart ? chart.data : undefined;
  const defaults = useMemo(() => (c ? (parseValues(c.values).values ?? {}) : {}), [c]);
  const baseYaml = c ? c.values : Object.keys(release.values).length ? stringify(release.values) : '';
  const [values, setValues] = useState<Values>();
  // The defaults the values were laid over: another version's defaults take
  // their place under the same overrides.
  const laidOver = useRef<Values>();
  useEffect(() => {
    if (!settled) return;
    if (values === undefined) setValues(merge(defaults, release.values));
    else if (laidOver.current && laidOver.current !== defaults) setValues(merge(defaults, overrides(values, laidOver.current)));
    laidOver.current = defaults;
  }, [settled, defaults, release.values, values]);
  const [valueErrors, setValueErrors] = useState<Record<string, string[]>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [yamlInvalid, setYamlInvalid] = useState(false);
  const [busy, setBusy] = useState(false);
  const [plan, setPlan] = useState<Plan>();
  const paths = releasePaths(cluster);
  const body = () => {
    const chartRef: ChartRef | undefined = c && version !== release.chartVersion ? { repository: release.repository, name: release.chart, version } : undefined;
    return { chart: chartRef, values: overrides(values ?? {}, defaults) };
  };
  const failed = (e: unknown) => {
    const p = splitProblem(e);
    setValueErrors(p.values);
    setGeneral([...p.fields.map((f) => `${f.name.join('.')}: ${f.errors.join('; ')}`), ...p.general]);
    setPlan(undefined);
  };
  const review = async () => {
    setBusy(true);
    setGeneral([]);
    setValueErrors({});
    try {
      setPlan(await api<Plan>(paths.plan(release.namespace, release.name), { method: 'POST', body: body() }));
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };
  const apply = async () => {
    setBusy(true);
    try {
      onStarted(await api<Operation>(paths.release(release.namespace, release.name), { method: 'PUT', body: body() }));
      onClose();
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('addons.upgradeTitle', { name: release.name })} onCancel={onClose} footer={null} width={1000} destroyOnHidden maskClosable={false}>
      {general.length ? <Alert type="error" showIcon role="alert" message={general.join('; ')} style={{ marginBottom: 12 }} /> : null}
      {plan ? (
        <>
          <Typography.Paragraph>
            {t('addons.planSummary', { from: plan.current.revision, to: plan.next.revision, fromVersion: plan.current.chartVersion, toVersion: plan.next.chartVersion })}
          </Typography.Paragraph>
          {plan.diff.length ? <DiffList objects={plan.diff} /> : <Alert type="info" showIcon message={t('addons.noObjectChanges')} />}
          <Flex justify="end" gap={8} style={{ marginTop: 16 }}>
            <Button onClick={() => setPlan(undefined)}>{t('addons.back')}</Button>
            <Button type="primary" loading={busy} onClick={() => void apply()}>
              {t('addons.applyUpgrade')}
            </Button>
          </Flex>
        </>
      ) : values === undefined ? (
        <Spin />
      ) : (
        <>
          {!c ? <Alert type="info" showIcon message={t('addons.chartNotInCatalog')} style={{ marginBottom: 12 }} /> : null}
          {c ? (
            <Form layout="vertical" component={false}>
              <Form.Item label={t('addons.chartVersion')} htmlFor="upgrade-version" style={{ maxWidth: 320 }}>
                <Select
                  id="upgrade-version"
                  value={version}
                  onChange={setVersion}
                  options={c.versions.map((v) => ({ value: v.version, label: v.version === release.chartVersion ? `${v.version} (${t('addons.current')})` : v.version }))}
                />
              </Form.Item>
            </Form>
          ) : null}
          <ValuesEditor key={c ? c.version : 'none'} schema={c?.valuesSchema} baseYaml={baseYaml} value={values} onChange={setValues} errors={valueErrors} onInvalid={setYamlInvalid} />
          <Flex justify="end" gap={8} style={{ marginTop: 16 }}>
            <Button onClick={onClose}>{t('action.cancel')}</Button>
            <Button type="primary" loading={busy} disabled={yamlInvalid} onClick={() => void review()}>
              {t('addons.reviewChanges')}
            </Button>
          </Flex>
        </>
      )}
    </Modal>
  );
}

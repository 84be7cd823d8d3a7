// The triggers, branch filter and target cluster of a pipeline as form
// fields, shared by the create wizard and the settings tab.
import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Checkbox, Col, Form, Input, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../api/client';
import type { Pipeline } from '../../api/pipelines';
import { globalScope, recordPaths, type Registry } from '../../api/registries';
import type { List } from '../../api/types';
import { useClusterNames } from '../../nav/useClusterNames';
import { useProjectParams } from './common';

export interface TriggerValues {
  include?: string[];
  exclude?: string[];
  push?: boolean;
  pullRequest?: boolean;
  tag?: boolean;
  manual?: boolean;
  cron?: boolean;
  cronSchedule?: string;
  cronBranch?: string;
  cronTimeZone?: string;
  imagePush?: boolean;
  imageRegistry?: string;
  imageRepository?: string;
  imageTag?: string;
  targetCluster?: string;
  configPath?: string;
}

/** triggerValues reads a pipeline spec into the form's values. */
export function triggerValues(spec?: Pipeline['spec']): TriggerValues {
  const tr = spec?.triggers ?? {};
  return {
    include: spec?.branches?.include ?? [],
    exclude: spec?.branches?.exclude ?? [],
    push: tr.push !== false,
    pullRequest: !!tr.pullRequest,
    tag: !!tr.tag,
    manual: tr.manual !== false,
    cron: !!tr.cron?.schedule,
    cronSchedule: tr.cron?.schedule,
    cronBranch: tr.cron?.branch,
    cronTimeZone: tr.cron?.timeZone,
    imagePush: !!tr.imagePush?.repository,
    imageRegistry: tr.imagePush?.registry,
    imageRepository: tr.imagePush?.repository,
    imageTag: tr.imagePush?.tag,
    targetCluster: spec?.targetCluster,
    configPath: spec?.configPath,
  };
}

const opt = (s?: string) => (s?.trim() ? s.trim() : undefined);

/** applyTriggers writes the form's values onto a pipeline spec, keeping what the form does not show. */
export function applyTriggers(spec: Pipeline['spec'], v: TriggerValues): Pipeline['spec'] {
  const include = (v.include ?? []).map((s) => s.trim()).filter(Boolean);
  const exclude = (v.exclude ?? []).map((s) => s.trim()).filter(Boolean);
  return {
    ...spec,
    branches: include.length || exclude.length ? { include: include.length ? include : undefined, exclude: exclude.length ? exclude : undefined } : undefined,
    triggers: {
      push: !!v.push,
      pullRequest: !!v.pullRequest,
      tag: !!v.tag,
      manual: !!v.manual,
      cron: v.cron && opt(v.cronSchedule) ? { schedule: opt(v.cronSchedule), branch: opt(v.cronBranch), timeZone: opt(v.cronTimeZone) } : undefined,
      imagePush:
        v.imagePush && opt(v.imageRepository)
          ? { registry: opt(v.imageRegistry), repository: opt(v.imageRepository), tag: opt(v.imageTag), branch: spec.triggers?.imagePush?.branch }
          : undefined,
    },
    targetCluster: opt(v.targetCluster),
    configPath: opt(v.configPath),
  };
}

/**
 * useRegistryNames lists the registries an image push trigger can name, as
 * a publishImage step finds them: the project's, then the platform's (left
 * out when the caller may not list them).
 */
function useRegistryNames(enabled: boolean): string[] {
  const { cluster, project } = useProjectParams();
  const list = (path: string) => () => api<List<Registry>>(`${path}${query({ limit: 1000 })}`).then((l) => l.items.map((r) => r.name));
  const own = useQuery({ queryKey: ['registry-names', cluster, project], enabled, queryFn: list(recordPaths({ cluster, project }).registries) });
  const platform = useQuery({ queryKey: ['registry-names'], enabled, retry: false, queryFn: list(recordPaths(globalScope).registries) });
  return [...new Set([...(own.data ?? []), ...(platform.data ?? [])])];
}

/** TriggerFields are the form items of TriggerValues. */
export function TriggerFields({ webhooks = true }: { webhooks?: boolean }) {
  const { t } = useTranslation();
  const clusters = useClusterNames();
  const cron = Form.useWatch<boolean>('cron');
  const imagePush = Form.useWatch<boolean>('imagePush');
  const registries = useRegistryNames(!!imagePush);
  return (
    <>
      <Form.Item label={t('pipelines.triggers')} extra={webhooks ? undefined : t('pipelines.noWebhooks')}>
        <Row gutter={[8, 4]}>
          {(['push', 'pullRequest', 'tag', 'manual', 'cron', 'imagePush'] as const).map((k) => (
            <Col key={k} xs={12} md={8}>
              <Form.Item name={k} valuePropName="checked" noStyle>
                <Checkbox>{t(`pipelines.trigger_${k}`)}</Checkbox>
              </Form.Item>
            </Col>
          ))}
        </Row>
      </Form.Item>
      {cron ? (
        <Row gutter={8}>
          <Col span={8}>
            <Form.Item name="cronSchedule" label={t('pipelines.cronSchedule')} rules={[{ required: true, message: t('form.required') }]} extra={t('pipelines.cronHelp')}>
              <Input placeholder="0 3 * * *" style={{ fontFamily: 'monospace' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="cronBranch" label={t('pipelines.branch')}>
              <Input placeholder={t('pipelines.defaultBranch')} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="cronTimeZone" label={t('pipelines.timeZone')}>
              <Input placeholder="UTC" />
            </Form.Item>
          </Col>
        </Row>
      ) : null}
      {imagePush ? (
        <Row gutter={8}>
          <Col span={8}>
            <Form.Item name="imageRegistry" label={t('pipelines.imageRegistry')} rules={[{ required: true, message: t('form.required') }]}>
              <AutoComplete
                options={registries.map((r) => ({ value: r }))}
                placeholder="harbor"
                filterOption={(input, o) => (o?.value ?? '').toLowerCase().includes(input.toLowerCase())}
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="imageRepository" label={t('pipelines.imageRepository')} rules={[{ required: true, message: t('form.required') }]}>
              <Input placeholder="team/base" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="imageTag" label={t('pipelines.imageTag')}>
              <Input placeholder="*" />
            </Form.Item>
          </Col>
        </Row>
      ) : null}
      <Row gutter={8}>
        <Col span={12}>
          <Form.Item name="include" label={t('pipelines.branchInclude')} extra={t('pipelines.branchFilterHelp')}>
            <Select mode="tags" aria-label={t('pipelines.branchInclude')} open={false} suffixIcon={null} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="exclude" label={t('pipelines.branchExclude')}>
            <Select mode="tags" aria-label={t('pipelines.branchExclude')} open={false} suffixIcon={null} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={8}>
        <Col span={12}>
          <Form.Item name="targetCluster" label={t('pipelines.targetCluster')} extra={t('pipelines.targetClusterHelp')}>
            <Select allowClear aria-label={t('pipelines.targetCluster')} options={(clusters.data ?? []).map((c) => ({ value: c, label: c }))} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="configPath" label={t('pipelines.configPath')}>
            <Input placeholder=".wheelhouse-pipeline.yml" />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}

// Pieces the pipeline pages share: the project in view, the state tag and
// the run dialog.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Form, Input, Radio, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { api } from '../../api/client';
import { pipelinePaths, stateColor, type Pipeline, type PipelineExecution } from '../../api/pipelines';
import { usePermissions } from '../../auth/usePermissions';
import { FormDialog } from '../../components/FormDialog';
import { byName } from '../../live/kube';
import { useLiveKList } from '../../live/useLiveKube';
import { links } from '../../nav/links';

/** The permissions resource of everything pipelines. */
export const RESOURCE = 'pipelines.wheelhouse.dev';

/** useProjectParams are the cluster and project of a pipeline page's path, with their API paths. */
export function useProjectParams() {
  const { cluster = '', project = '', name = '' } = useParams();
  return { cluster, project, name, paths: pipelinePaths(cluster, project) };
}

/** useCanPipelines says whether the caller may do verb on the project's pipelines. */
export function useCanPipelines(cluster: string, project: string) {
  const can = usePermissions({ cluster, project });
  return (verb: 'create' | 'update' | 'delete') => can(verb, RESOURCE);
}

/** StateTag colours an execution, stage or step state, in the reader's language. */
export function StateTag({ state, testId }: { state?: string; testId?: string }) {
  const { t } = useTranslation();
  if (!state) return null;
  return (
    <Tag color={stateColor(state)} data-testid={testId}>
      {t(`pipelines.state_${state}`, { defaultValue: state })}
    </Tag>
  );
}

export function usePipelines(cluster: string, project: string, enabled = true) {
  const paths = pipelinePaths(cluster, project);
  return useLiveKList<Pipeline>(['pipelines', cluster, project], paths.pipelines, byName, enabled && !!cluster && !!project);
}

interface RunValues {
  by: 'branch' | 'commit';
  branch?: string;
  commit?: string;
}

/** RunDialog starts a pipeline on a branch or a commit, then opens the execution. */
export function RunDialog({ cluster, project, pipeline, defaultBranch, onClose }: { cluster: string; project: string; pipeline?: string; defaultBranch?: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RunValues>();
  const [by, setBy] = useState<'branch' | 'commit'>('branch');
  const nav = useNavigate();
  const qc = useQueryClient();
  const paths = pipelinePaths(cluster, project);
  const run = useMutation({
    mutationFn: (v: RunValues) =>
      api<PipelineExecution>(paths.run(pipeline!), { method: 'POST', body: v.by === 'commit' ? { commit: v.commit?.trim() } : v.branch?.trim() ? { branch: v.branch.trim() } : {} }),
  });
  return (
    <FormDialog<RunValues>
      open={!!pipeline}
      title={t('pipelines.runTitle', { name: pipeline })}
      onClose={() => {
        form.resetFields();
        setBy('branch');
        onClose();
      }}
      form={form}
      initialValues={{ by: 'branch', branch: defaultBranch }}
      submitText={t('pipelines.run')}
      onSubmit={async (v) => {
        const x = await run.mutateAsync(v);
        void qc.invalidateQueries({ queryKey: ['pipelines', cluster, project] });
        void qc.invalidateQueries({ queryKey: ['pipeline-executions', cluster, project] });
        form.resetFields();
        onClose();
        nav(links.pipelineExecution(cluster, project, x.metadata.name));
      }}
    >
      <Form.Item name="by" label={t('pipelines.runBy')}>
        <Radio.Group
          onChange={(e) => setBy(e.target.value as 'branch' | 'commit')}
          options={[
            { value: 'branch', label: t('pipelines.branch') },
            { value: 'commit', label: t('pipelines.commit') },
          ]}
        />
      </Form.Item>
      {by === 'branch' ? (
        <Form.Item name="branch" label={t('pipelines.branchName')} extra={t('pipelines.branchHelp')}>
          <Input placeholder={defaultBranch || 'main'} />
        </Form.Item>
      ) : (
        <Form.Item name="commit" label={t('pipelines.commitId')} rules={[{ required: true, message: t('form.required') }]}>
          <Input placeholder="0123abcd" style={{ fontFamily: 'monospace' }} />
        </Form.Item>
      )}
    </FormDialog>
  );
}

/** triggerSummary lists a pipeline's triggers in words. */
export function triggerSummary(p: Pipeline, t: (k: string, o?: Record<string, unknown>) => string): string[] {
  const tr = p.spec.triggers ?? {};
  const out: string[] = [];
  if (tr.push !== false) out.push(t('pipelines.trigger_push'));
  if (tr.pullRequest) out.push(t('pipelines.trigger_pullRequest'));
  if (tr.tag) out.push(t('pipelines.trigger_tag'));
  if (tr.manual !== false) out.push(t('pipelines.trigger_manual'));
  if (tr.cron?.schedule) out.push(`${t('pipelines.trigger_cron')} ${tr.cron.schedule}`);
  if (tr.imagePush?.repository) out.push(`${t('pipelines.trigger_imagePush')} ${tr.imagePush.repository}`);
  return out;
}

// Creating a pipeline, step by step as Rancher does: a source code provider
// (chosen or added), the repository (from your connected account's list, or
// a clone URL for a plain git server), then the branches, triggers and
// target cluster. Finishing creates the SourceCodeRepository and the
// Pipeline.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Form, Input, Radio, Space, Steps, Typography } from 'antd';
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import { ApiError } from '../../api/problem';
import { awaitAnswer, OAuthClosed, oauthChannel, oauthRedirectURI } from '../../api/oauth';
import { recordPaths } from '../../api/registries';
import type { KList, Pipeline, pipelinePaths, ProviderType, RemoteRepository, SourceCodeCredential, SourceCodeProvider, SourceCodeRepository } from '../../api/pipelines';
import { useMe } from '../../auth/useMe';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { FormSelect } from '../../components/FormSelect';
import { PageHeader } from '../../components/PageHeader';
import { showProblem } from '../../components/formErrors';
import { links } from '../../nav/links';
import { useProjectParams } from './common';
import { applyTriggers, TriggerFields, triggerValues, type TriggerValues } from './triggers';

/**
 * signIn connects the caller's account at provider through the forge's
 * OAuth application, in a pop-up (api/oauth.ts), and returns the account.
 */
async function signIn(paths: ReturnType<typeof pipelinePaths>, provider: string, forge: string, t: TFunction): Promise<SourceCodeCredential> {
  // Opened before any await: a pop-up opened later than the click is blocked.
  const popup = window.open('', oauthChannel, 'popup,width=760,height=820');
  if (!popup) throw new Error(t('pipelines.popupBlocked'));
  try {
    const redirectURI = oauthRedirectURI();
    const { url, state } = await api<{ url: string; state: string }>(paths.authorize(provider, redirectURI));
    popup.location.href = url;
    const answer = await awaitAnswer(popup, state);
    if (answer.error || !answer.code) throw new Error(t('pipelines.oauthDenied', { forge, reason: answer.errorDescription || answer.error || '?' }));
    return await api<SourceCodeCredential>(paths.oauthCallback(provider), { method: 'POST', body: { code: answer.code, state, redirectURI } });
  } catch (e) {
    throw e instanceof OAuthClosed ? new Error(t('pipelines.oauthClosed')) : e;
  } finally {
    if (!popup.closed) popup.close();
  }
}

/** objectName turns text (a repository's name) into a Kubernetes object name. */
export function objectName(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/\.git$/, '')
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63)
      .replace(/-+$/, '') || 'app'
  );
}

interface Values extends TriggerValues {
  providerMode: 'existing' | 'new';
  provider?: string;
  newName?: string;
  newType?: ProviderType;
  newHost?: string;
  /** The forge's OAuth application, so accounts connect by signing in. */
  newClientID?: string;
  newClientSecret?: string;
  token?: string;
  remote?: string;
  url?: string;
  defaultBranch?: string;
  name?: string;
}

const stepFields: (keyof Values)[][] = [
  ['providerMode', 'provider', 'newName', 'newType', 'newHost', 'newClientID', 'newClientSecret'],
  ['remote', 'url', 'defaultBranch'],
  ['name', 'cronSchedule', 'imageRegistry', 'imageRepository'],
];

export default function PipelineCreatePage() {
  const { t } = useTranslation();
  const { cluster, project, paths } = useProjectParams();
  const nav = useNavigate();
  const qc = useQueryClient();
  const me = useMe();
  const [form] = Form.useForm<Values>();
  const [step, setStep] = useState(0);
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const providers = useQuery({ queryKey: ['scm-providers', cluster, project], queryFn: () => api<KList<SourceCodeProvider>>(paths.providers) });
  const credentials = useQuery({ queryKey: ['scm-credentials', cluster, project], queryFn: () => api<KList<SourceCodeCredential>>(paths.credentials) });
  const mode = Form.useWatch('providerMode', { form, preserve: true }) ?? 'existing';
  const newType = Form.useWatch('newType', { form, preserve: true });
  const providerName = Form.useWatch<string>('provider', { form, preserve: true });
  // The list is read from the server's cache, which may not hold a
  // provider just created yet.
  const [created, setCreated] = useState<SourceCodeProvider>();
  const provider = providers.data?.items.find((p) => p.metadata.name === providerName) ?? (created?.metadata.name === providerName ? created : undefined);
  const forge = provider ? t(`pipelines.provider_${provider.spec.type}`) : '';
  const connect = useMutation({
    // A token pasted, or (undefined) a sign-in at the forge.
    mutationFn: (token: string | undefined) =>
      token === undefined
        ? signIn(paths, providerName!, forge, t)
        : api<SourceCodeCredential>(paths.connect(providerName!), { method: 'POST', body: { token } }),
    onSuccess: () => {
      setErrors([]);
      form.setFieldValue('token', undefined);
      void qc.invalidateQueries({ queryKey: ['scm-credentials', cluster, project] });
    },
    // The token field is the connect card's, without room for a message.
    onError: (e) => setErrors([errorMessage(e)]),
  });
  const account =
    credentials.data?.items.find((c) => c.spec.provider === providerName && c.spec.userName === me.data?.username) ??
    (connect.data?.spec.provider === providerName ? connect.data : undefined);
  const plain = provider?.spec.type === 'git';
  const remotes = useQuery({
    queryKey: ['scm-remote-repos', cluster, project, account?.metadata.name],
    enabled: step === 1 && !!account && !plain,
    queryFn: () => api<{ items: RemoteRepository[] }>(paths.remoteRepos(account!.metadata.name)),
  });

  const attempt = async (work: () => Promise<void>) => {
    setBusy(true);
    setErrors([]);
    try {
      await work();
    } catch (e) {
      setErrors(showProblem(form, e));
    } finally {
      setBusy(false);
    }
  };

  const next = () =>
    attempt(async () => {
      await form.validateFields(stepFields[step]);
      const v = form.getFieldsValue(true) as Values;
      if (step === 0 && v.providerMode === 'new') {
        // The OAuth application's secret goes to the credential store first;
        // it is removed again when the provider is refused.
        const clientID = v.newType !== 'git' ? v.newClientID?.trim() : undefined;
        const secret = clientID
          ? await api<{ id: number }>(recordPaths({ cluster, project }).credentials, {
              method: 'POST',
              body: { name: `pipeline-oauth-${v.newName}`, type: 'oauth-client', fields: { clientSecret: v.newClientSecret ?? '' } },
            }).catch((e: unknown) => {
              if (e instanceof ApiError) e.problem.errors = e.problem.errors?.map((d) => ({ ...d, location: d.location?.replace(/^body\.fields\.token$/, 'body.newClientSecret') }));
              throw e;
            })
          : undefined;
        const spec = { type: v.newType, host: v.newHost?.trim() || undefined, oauth: secret ? { clientID, clientSecret: { id: secret.id } } : undefined };
        const created = await api<SourceCodeProvider>(paths.providers, { method: 'POST', body: { metadata: { name: v.newName }, spec } }).catch(async (e: unknown) => {
          if (secret) await api(recordPaths({ cluster, project }).credential(secret.id), { method: 'DELETE' }).catch(() => undefined);
          // The problem names spec fields; the form's are new*.
          if (e instanceof ApiError) {
            e.problem.errors = e.problem.errors?.map((d) => ({
              ...d,
              location: d.location
                ?.replace(/^body\.metadata\.name$/, 'body.newName')
                .replace(/^body\.spec\.type$/, 'body.newType')
                .replace(/^body\.spec\.host$/, 'body.newHost')
                .replace(/^body\.spec\.oauth\.clientID$/, 'body.newClientID'),
            }));
          }
          throw e;
        });
        setCreated(created);
        void qc.invalidateQueries({ queryKey: ['scm-providers', cluster, project] });
        form.setFieldsValue({ providerMode: 'existing', provider: created.metadata.name });
      }
      if (step === 1 && !form.getFieldValue('name')) {
        const remote = remotes.data?.items.find((r) => r.fullName === v.remote);
        const from = remote ? remote.fullName.split('/').pop()! : (v.url ?? '').split('/').pop()!;
        form.setFieldValue('name', objectName(from));
      }
      setStep(step + 1);
    });

  const finish = () =>
    attempt(async () => {
      await form.validateFields(stepFields[2]);
      const v = form.getFieldsValue(true) as Values;
      const remote = remotes.data?.items.find((r) => r.fullName === v.remote);
      const url = plain ? v.url!.trim() : remote!.cloneURL;
      const repoName = objectName(plain ? url.split('/').pop()! : remote!.fullName.replace('/', '-'));
      const repoBody: SourceCodeRepository = {
        metadata: { name: repoName },
        spec: {
          url,
          provider: providerName!,
          defaultBranch: (plain ? v.defaultBranch?.trim() : remote?.defaultBranch) || undefined,
          credential: plain ? undefined : account?.metadata.name,
          permissions: remote?.permissions,
        },
      };
      try {
        await api(paths.repositories, { method: 'POST', body: repoBody });
      } catch (e) {
        // The project has this repository already: build it again, unless
        // the name is another's.
        if (!(e instanceof ApiError) || e.status !== 409) throw e;
        const existing = await api<SourceCodeRepository>(paths.repository(repoName));
        if (existing.spec.url !== url) throw e;
      }
      const spec = applyTriggers({ repository: repoName }, v);
      const p = await api<Pipeline>(paths.pipelines, { method: 'POST', body: { metadata: { name: v.name }, spec } }).catch((e: unknown) => {
        if (e instanceof ApiError) e.problem.errors = e.problem.errors?.map((d) => ({ ...d, location: d.location === 'body.metadata.name' ? 'body.name' : d.location }));
        throw e;
      });
      void qc.invalidateQueries({ queryKey: ['pipelines', cluster, project] });
      nav(links.pipeline(cluster, project, p.metadata.name));
    });

  const typeOptions = (['github', 'gitlab', 'gitea', 'git'] as const).map((k) => ({ value: k, label: t(`pipelines.provider_${k}`) }));
  return (
    <>
      <PageHeader title={t('pipelines.create')} sub={t('pipelines.createSub', { project })} />
      <Steps
        current={step}
        style={{ marginBottom: 16, maxWidth: 820 }}
        items={[{ title: t('pipelines.stepProvider') }, { title: t('pipelines.stepRepository') }, { title: t('pipelines.stepTriggers') }]}
      />
      <Card style={{ maxWidth: 820 }}>
        {errors.length ? <Alert type="error" showIcon role="alert" style={{ marginBottom: 12 }} message={errors.map((e) => <div key={e}>{e}</div>)} /> : null}
        <Form<Values> form={form} layout="vertical" initialValues={{ providerMode: 'existing', newType: 'github', ...triggerValues(), manual: true }} onFinish={() => void 0}>
          {step === 0 ? (
            <>
              {providers.error ? <ErrorView error={providers.error} cluster={cluster} /> : null}
              <Form.Item name="providerMode" label={t('pipelines.provider')}>
                <Radio.Group
                  options={[
                    { value: 'existing', label: t('pipelines.providerExisting'), disabled: !providers.data?.items.length },
                    { value: 'new', label: t('pipelines.providerNew') },
                  ]}
                />
              </Form.Item>
              {mode === 'existing' ? (
                <Form.Item name="provider" label={t('pipelines.provider')} rules={[{ required: true, message: t('form.required') }]}>
                  <FormSelect
                    loading={providers.isLoading}
                    options={[...(providers.data?.items ?? []), ...(created && !providers.data?.items.some((p) => p.metadata.name === created.metadata.name) ? [created] : [])].map((p) => ({
                      value: p.metadata.name,
                      label: `${p.metadata.name} (${t(`pipelines.provider_${p.spec.type}`)}${p.spec.host ? ` · ${p.spec.host}` : ''})`,
                    }))}
                  />
                </Form.Item>
              ) : (
                <>
                  <Form.Item name="newName" label={t('col.name')} rules={[{ required: true, message: t('form.required') }]}>
                    <Input placeholder="github" />
                  </Form.Item>
                  <Form.Item name="newType" label={t('col.type')} rules={[{ required: true, message: t('form.required') }]}>
                    <FormSelect options={typeOptions} />
                  </Form.Item>
                  <Form.Item
                    name="newHost"
                    label={t('pipelines.host')}
                    extra={t(newType === 'git' ? 'pipelines.hostHelpGit' : 'pipelines.hostHelp')}
                    rules={[{ required: newType === 'gitea', message: t('form.required') }]}
                  >
                    <Input placeholder={newType === 'gitea' ? 'https://gitea.example.com' : newType === 'gitlab' ? 'gitlab.com' : newType === 'git' ? 'git.example.com' : 'github.com'} />
                  </Form.Item>
                  {newType !== 'git' ? (
                    <Card size="small" title={t('pipelines.oauthApp')} style={{ marginBottom: 12 }}>
                      <Typography.Paragraph type="secondary">
                        {t('pipelines.oauthAppHelp')} <Typography.Text copyable code>{oauthRedirectURI()}</Typography.Text>
                      </Typography.Paragraph>
                      <Flex gap={8}>
                        <Form.Item name="newClientID" label={t('pipelines.clientID')} style={{ flex: 1, marginBottom: 0 }}>
                          <Input autoComplete="off" />
                        </Form.Item>
                        <Form.Item
                          name="newClientSecret"
                          label={t('pipelines.clientSecret')}
                          style={{ flex: 1, marginBottom: 0 }}
                          dependencies={['newClientID']}
                          rules={[({ getFieldValue }) => ({ required: !!getFieldValue('newClientID')?.trim(), message: t('form.required') })]}
                        >
                          <Input.Password autoComplete="new-password" />
                        </Form.Item>
                      </Flex>
                    </Card>
                  ) : null}
                </>
              )}
            </>
          ) : null}
          {step === 1 ? (
            plain ? (
              <>
                <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('pipelines.plainGitHelp')} />
                <Form.Item name="url" label={t('pipelines.cloneURL')} rules={[{ required: true, message: t('form.required') }]}>
                  <Input placeholder="https://git.example.com/team/app.git" />
                </Form.Item>
                <Form.Item name="defaultBranch" label={t('pipelines.defaultBranch')}>
                  <Input placeholder="main" />
                </Form.Item>
              </>
            ) : (
              <>
                {account ? (
                  <Alert
                    type="success"
                    showIcon
                    style={{ marginBottom: 12 }}
                    message={t('pipelines.connectedAs', { login: account.spec.login || account.spec.userName, provider: providerName })}
                  />
                ) : (
                  <Card size="small" title={t('pipelines.connectAccount')} style={{ marginBottom: 12 }}>
                    {provider?.spec.oauth ? (
                      <>
                        <Typography.Paragraph type="secondary">{t('pipelines.connectWithHelp', { host: provider.spec.host || forge })}</Typography.Paragraph>
                        <Button type="primary" loading={connect.isPending && connect.variables === undefined} onClick={() => connect.mutate(undefined)} style={{ marginBottom: 12 }}>
                          {t('pipelines.connectWith', { forge })}
                        </Button>
                        <Typography.Paragraph type="secondary">{t('pipelines.orToken')}</Typography.Paragraph>
                      </>
                    ) : (
                      <Typography.Paragraph type="secondary">{t('pipelines.connectHelp', { host: provider?.spec.host || provider?.spec.type })}</Typography.Paragraph>
                    )}
                    <Space.Compact style={{ width: '100%' }}>
                      <Form.Item name="token" noStyle>
                        <Input.Password aria-label={t('pipelines.token')} placeholder={t('pipelines.token')} autoComplete="off" />
                      </Form.Item>
                      <Button loading={connect.isPending && connect.variables !== undefined} onClick={() => connect.mutate(form.getFieldValue('token') ?? '')}>
                        {t('pipelines.connect')}
                      </Button>
                    </Space.Compact>
                  </Card>
                )}
                {remotes.error ? <ErrorView error={remotes.error} /> : null}
                <Form.Item name="remote" label={t('pipelines.repository')} rules={[{ required: true, message: t('form.required') }]}>
                  <FormSelect
                    showSearch
                    disabled={!account}
                    loading={remotes.isLoading && !!account}
                    options={(remotes.data?.items ?? []).map((r) => ({ value: r.fullName, label: `${r.fullName}${r.private ? ' 🔒' : ''}` }))}
                  />
                </Form.Item>
              </>
            )
          ) : null}
          {step === 2 ? (
            <>
              <Form.Item name="name" label={t('pipelines.name')} rules={[{ required: true, message: t('form.required') }]}>
                <Input />
              </Form.Item>
              <TriggerFields webhooks={!plain} />
            </>
          ) : null}
          <Flex gap={8} justify="space-between">
            <Button disabled={step === 0} onClick={() => setStep(step - 1)}>
              {t('pipelines.back')}
            </Button>
            {step < 2 ? (
              <Button type="primary" loading={busy} onClick={() => void next()}>
                {t('pipelines.next')}
              </Button>
            ) : (
              <Button type="primary" loading={busy} onClick={() => void finish()}>
                {t('pipelines.createPipeline')}
              </Button>
            )}
          </Flex>
        </Form>
      </Card>
    </>
  );
}

// Create a credential of a type, or rotate one: its inputs come from the
// type's fields. Secret inputs are write-only: never filled in, and on a
// rotation only the ones given are sent (an empty one keeps its value).
import { useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Form, Input, Select, Typography, Upload } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { recordPaths, type Credential, type CredentialType, type RecordScope } from '../../api/registries';
import { Age } from '../../components/Age';
import { FormDialog } from '../../components/FormDialog';
import { credentialTypeNames, credentialTypes, fieldLabel, type FieldSpec } from './credentialTypes';

interface Values {
  name: string;
  type: CredentialType;
  description?: string;
  fields?: Record<string, string | undefined>;
  /** Optional secret fields to clear on a rotation. */
  clear?: Record<string, boolean | undefined>;
}

interface Props {
  open: boolean;
  onClose: () => void;
  scope: RecordScope;
  /** The credential to rotate; absent: create one. */
  credential?: Credential;
  /** The types offered on create (all when absent). */
  types?: CredentialType[];
  onSaved?: (c: Credential) => void;
}

export function CredentialDialog({ open, onClose, scope, credential, types, onSaved }: Props) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const qc = useQueryClient();
  const paths = recordPaths(scope);
  const offered = types ?? credentialTypeNames;
  const type: CredentialType = Form.useWatch('type', form) ?? credential?.type ?? offered[0];
  const current = new Map((credential?.fields ?? []).map((f) => [f.name, f]));
  const initial: Partial<Values> = credential
    ? {
        description: credential.description ?? '',
        fields: Object.fromEntries(credential.fields.filter((f) => !f.secret).map((f) => [f.name, f.value ?? ''])),
      }
    : { type: offered[0] };
  const submit = async (v: Values) => {
    let saved: Credential;
    if (credential) {
      const fields: Record<string, string> = {};
      for (const spec of credentialTypes[credential.type]) {
        const value = v.fields?.[spec.name] ?? '';
        if (spec.secret) {
          if (value) fields[spec.name] = value;
          else if (v.clear?.[spec.name]) fields[spec.name] = '';
        } else if (value !== (current.get(spec.name)?.value ?? '')) {
          fields[spec.name] = value;
        }
      }
      saved = await api<Credential>(paths.credential(credential.id), { method: 'PATCH', body: { description: v.description ?? '', fields } });
    } else {
      const fields = Object.fromEntries(Object.entries(v.fields ?? {}).filter(([, x]) => x)) as Record<string, string>;
      saved = await api<Credential>(paths.credentials, { method: 'POST', body: { name: v.name, type: v.type, description: v.description || undefined, fields } });
    }
    void qc.invalidateQueries({ queryKey: ['credentials'] });
    onSaved?.(saved);
    onClose();
  };
  return (
    <FormDialog<Values>
      open={open}
      onClose={onClose}
      form={form}
      onSubmit={submit}
      title={credential ? t('credentials.rotateTitle', { name: credential.name }) : t('credentials.create')}
      submitText={credential ? t('action.save') : t('action.create')}
      initialValues={initial}
      width={620}
      intro={
        credential ? (
          <Typography.Paragraph type="secondary">{t('credentials.rotateHint')}</Typography.Paragraph>
        ) : null
      }
    >
      {credential ? null : (
        <>
          <Form.Item name="name" label={t('col.name')} rules={[{ required: true, message: t('form.required') }]} extra={t('clusters.nameHint')}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="type" label={t('col.type')}>
            <Select options={offered.map((x) => ({ value: x, label: t(`credentials.type_${x}`) }))} />
          </Form.Item>
        </>
      )}
      <Form.Item name="description" label={t('col.description')}>
        <Input />
      </Form.Item>
      {credentialTypes[type].map((spec) => (
        <FieldInput key={`${type}-${spec.name}`} type={type} spec={spec} rotating={!!credential} set={current.get(spec.name)?.set} changedAt={current.get(spec.name)?.changedAt} />
      ))}
    </FormDialog>
  );
}

function FieldInput({ type, spec, rotating, set, changedAt }: { type: CredentialType; spec: FieldSpec; rotating: boolean; set?: boolean; changedAt?: string }) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const label = fieldLabel(t, type, spec.name);
  const required = spec.required && !rotating;
  let placeholder: string | undefined;
  if (spec.secret && rotating) placeholder = set ? t('credentials.keepSecret') : t('credentials.notSet');
  const extra =
    spec.secret && rotating && set ? (
      <span>
        {t('credentials.setSince')} <Age since={changedAt} />
      </span>
    ) : (
      t(`credentials.hint_${spec.name}`, { defaultValue: '' }) || undefined
    );
  const input = spec.multiline ? (
    <Input.TextArea rows={spec.name === 'kubeconfig' || spec.name === 'privateKey' ? 8 : 4} spellCheck={false} autoComplete="off" placeholder={placeholder} style={{ fontFamily: 'monospace' }} />
  ) : spec.secret ? (
    <Input.Password autoComplete="new-password" placeholder={placeholder} />
  ) : (
    <Input autoComplete="off" placeholder={placeholder} />
  );
  return (
    <>
      <Form.Item name={['fields', spec.name]} label={label} rules={required ? [{ required: true, message: t('form.required') }] : undefined} extra={extra} style={spec.multiline ? { marginBottom: 4 } : undefined}>
        {input}
      </Form.Item>
      {spec.multiline ? (
        <Upload
          accept=".pem,.key,.yaml,.yml,.conf,.config,.txt,text/plain"
          showUploadList={false}
          beforeUpload={(file) => {
            void file.text().then((text) => form.setFieldValue(['fields', spec.name], text));
            return false;
          }}
        >
          <Button size="small" style={{ marginBottom: 16 }}>
            {t('credentials.upload', { field: label })}
          </Button>
        </Upload>
      ) : null}
      {spec.secret && rotating && set && !spec.required ? (
        <Form.Item name={['clear', spec.name]} valuePropName="checked" style={{ marginTop: -8 }}>
          <Checkbox>{t('credentials.clear', { field: label })}</Checkbox>
        </Form.Item>
      ) : null}
    </>
  );
}

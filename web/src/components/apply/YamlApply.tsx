// YAML through the server's apply endpoint: a dry run first, its per-object
// action and diff shown, then the real apply of exactly what was previewed.
import { Alert, Button, Card, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { ApplyDocResult } from '../../api/types';
import { LazyYamlEditor } from '../editor/LazyEditors';
import { UnifiedDiff } from '../editor/UnifiedDiff';
import { errorMessage } from '../ErrorView';

interface Props {
  /** POST target: .../apply of the cluster or of a namespace. */
  applyPath: string;
  initial: string;
  onApplied?: (docs: ApplyDocResult[]) => void;
  canApply: boolean;
}

export function YamlApply({ applyPath, initial, onApplied, canApply }: Props) {
  const { t } = useTranslation();
  const [text, setText] = useState(initial);
  const [preview, setPreview] = useState<{ text: string; docs: ApplyDocResult[] }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const send = async (dryRun: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api<{ documents: ApplyDocResult[] }>(`${applyPath}${dryRun ? '?dryRun=true' : ''}`, { method: 'POST', text, contentType: 'application/yaml' });
      if (dryRun) setPreview({ text, docs: r.documents });
      else {
        setPreview(undefined);
        onApplied?.(r.documents);
      }
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const previewed = preview?.text === text;
  return (
    <>
      <LazyYamlEditor value={text} onChange={setText} label={t('editor.yaml')} />
      {error ? <Alert type="error" role="alert" showIcon message={error} style={{ marginTop: 12 }} /> : null}
      <Space style={{ marginTop: 12 }}>
        <Button onClick={() => void send(true)} loading={busy && !previewed}>
          {t('apply.dryRun')}
        </Button>
        {canApply ? (
          <Button type="primary" disabled={!previewed} onClick={() => void send(false)} loading={busy && previewed}>
            {t('apply.apply')}
          </Button>
        ) : null}
      </Space>
      {preview && previewed
        ? preview.docs.map((d) => (
            <Card
              key={d.index}
              size="small"
              style={{ marginTop: 12 }}
              title={
                <>
                  {`${d.kind} ${d.namespace ? `${d.namespace}/` : ''}${d.name}`} <Tag>{t(`apply.action_${d.action}`, { defaultValue: d.action })}</Tag>
                </>
              }
            >
              {d.diff ? <UnifiedDiff diff={d.diff} label={t('editor.diff')} /> : t('apply.noChanges')}
            </Card>
          ))
        : null}
    </>
  );
}

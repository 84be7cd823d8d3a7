import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Flex, Input, InputNumber, Select, Switch, theme, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, query, rawRequest } from '../../api/client';
import { readSSE } from '../../api/sse';
import type { Pod } from '../../api/types';
import { errorMessage } from '../../components/ErrorView';
import { PageHeader } from '../../components/PageHeader';
import { apiNs } from '../../nav/links';
import { appendLines, searchLines, splitLog } from './logBuffer';

function Highlight({ line, needle }: { line: string; needle: string }) {
  if (!needle) return <>{line}</>;
  const i = line.toLowerCase().indexOf(needle.toLowerCase());
  if (i < 0) return <>{line}</>;
  return (
    <>
      {line.slice(0, i)}
      <mark>{line.slice(i, i + needle.length)}</mark>
      {line.slice(i + needle.length)}
    </>
  );
}

export default function PodLogsPage() {
  const { cluster = '', namespace = '', name = '' } = useParams();
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const base = `${apiNs(cluster, namespace)}/pods/${encodeURIComponent(name)}`;
  const pod = useQuery({ queryKey: ['pod', cluster, namespace, name], queryFn: () => api<Pod>(base) });
  const [container, setContainer] = useState<string>();
  const [tail, setTail] = useState<number | null>(500);
  const [follow, setFollow] = useState(true);
  const [timestamps, setTimestamps] = useState(false);
  const [lines, setLines] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  const [ended, setEnded] = useState(false);
  const [needle, setNeedle] = useState('');
  const [onlyMatches, setOnlyMatches] = useState(false);
  const bottom = useRef<HTMLDivElement>(null);
  const c = container ?? pod.data?.containers[0]?.name;
  const params = query({ container: c, tailLines: tail ?? undefined, timestamps: timestamps || undefined });

  useEffect(() => {
    if (!c) return;
    const ctl = new AbortController();
    setLines([]);
    setError(undefined);
    setEnded(false);
    const run = async () => {
      if (follow) {
        // Lines are batched per animation frame: a burst of thousands of
        // lines is one render, not thousands.
        let pending: string[] = [];
        let frame = 0;
        const flush = () => {
          frame = 0;
          const batch = pending;
          pending = [];
          setLines((l) => appendLines(l, batch));
        };
        await readSSE(
          `${base}/logs${params}&follow=true`,
          (e) => {
            if (e.event === 'end') {
              setEnded(true);
              return;
            }
            pending.push(e.data);
            if (!frame) frame = requestAnimationFrame(flush);
          },
          ctl.signal,
        );
        if (frame) cancelAnimationFrame(frame);
        flush();
        setEnded(true);
      } else {
        const r = await rawRequest(`${base}/logs${params}`, { headers: { Accept: 'text/plain' }, signal: ctl.signal });
        setLines(splitLog(await r.text()));
      }
    };
    run().catch((e) => {
      if (!ctl.signal.aborted) setError(errorMessage(e));
    });
    return () => ctl.abort();
  }, [base, c, params, follow]);

  useEffect(() => {
    if (follow && !needle) bottom.current?.scrollIntoView({ block: 'end' });
  }, [lines, follow, needle]);

  const matches = useMemo(() => (needle ? searchLines(lines, needle) : []), [lines, needle]);
  const shown = onlyMatches && needle ? matches : lines.map((line, index) => ({ index, line }));
  const download = async () => {
    try {
      const r = await rawRequest(`${base}/logs${query({ container: c, download: true })}`, { headers: { Accept: 'text/plain' } });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(await r.blob());
      a.download = `${name}-${c}.log`;
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <>
      <PageHeader title={t('pods.logsOf', { name })} sub={namespace} extra={<Button onClick={() => void download()}>{t('pods.download')}</Button>} />
      <Flex gap={12} wrap="wrap" align="center" style={{ marginBottom: 8 }}>
        <Select aria-label={t('workloads.container')} style={{ width: 180 }} value={c} onChange={setContainer} options={(pod.data?.containers ?? []).map((x) => ({ value: x.name, label: x.name }))} />
        <label>
          {t('pods.tail')} <InputNumber aria-label={t('pods.tail')} min={1} value={tail} onChange={setTail} style={{ width: 90 }} />
        </label>
        <label>
          <Switch checked={follow} onChange={setFollow} aria-label={t('pods.follow')} /> {t('pods.follow')}
        </label>
        <Checkbox checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)}>
          {t('pods.timestamps')}
        </Checkbox>
        <Input.Search aria-label={t('pods.searchLogs')} placeholder={t('pods.searchLogs')} allowClear style={{ width: 240 }} onChange={(e) => setNeedle(e.target.value)} />
        <Checkbox checked={onlyMatches} onChange={(e) => setOnlyMatches(e.target.checked)}>
          {t('pods.onlyMatches')}
        </Checkbox>
        {needle ? <Typography.Text aria-live="polite">{t('pods.matches', { count: matches.length })}</Typography.Text> : null}
        {ended && follow ? <Typography.Text type="secondary">{t('pods.streamEnded')}</Typography.Text> : null}
      </Flex>
      {error ? <Alert type="error" role="alert" showIcon message={error} style={{ marginBottom: 8 }} /> : null}
      <div
        className="log-view"
        role="log"
        aria-label={t('pods.logs')}
        tabIndex={0}
        data-testid="log-view"
        style={{ height: 'calc(100vh - 230px)', overflow: 'auto', background: token.colorFillQuaternary, padding: 8, border: `1px solid ${token.colorBorderSecondary}` }}
      >
        {shown.slice(-5000).map((m) => (
          <div key={m.index} className="log-line">
            <Highlight line={m.line} needle={needle} />
          </div>
        ))}
        <div ref={bottom} />
      </div>
    </>
  );
}

import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Flex, Input, Select, Tag } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { getToken } from '../../api/session';
import type { Pod } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { splitWords } from '../workloads/workloadForm';
import { useTheme } from '../../theme/theme';
import { apiNs } from '../../nav/links';
import { execProtocols, execUrl, type ServerMessage } from './execSocket';

type State = 'connecting' | 'open' | 'closed';

export default function PodExecPage() {
  const { cluster = '', namespace = '', name = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const { t } = useTranslation();
  const { mode } = useTheme();
  const base = `${apiNs(cluster, namespace)}/pods/${encodeURIComponent(name)}`;
  const pod = useQuery({ queryKey: ['pod', cluster, namespace, name], queryFn: () => api<Pod>(base) });
  const command = params.get('command') ?? 'sh';
  const tty = params.get('tty') !== 'false';
  const container = params.get('container') ?? pod.data?.containers[0]?.name;
  const [session, setSession] = useState(0);
  const [state, setState] = useState<State>('connecting');
  const [end, setEnd] = useState<string>();
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!host.current || !container) return;
    const term = new Terminal({
      cursorBlink: true,
      fontSize: 13,
      convertEol: !tty,
      theme: mode === 'dark' ? { background: '#141414' } : { background: '#ffffff', foreground: '#1f1f1f', cursor: '#1f1f1f' },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host.current);
    fit.fit();
    term.focus();
    const ws = new WebSocket(execUrl(window.location.origin, `${base}/exec`, splitWords(command) ?? ['sh'], container, tty), execProtocols(getToken() ?? ''));
    ws.binaryType = 'arraybuffer';
    setState('connecting');
    setEnd(undefined);
    const enc = new TextEncoder();
    const resize = () => {
      fit.fit();
      if (tty && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'resize', cols: term.cols, rows: term.rows }));
    };
    ws.onopen = () => {
      setState('open');
      resize();
    };
    ws.onmessage = (m) => {
      if (typeof m.data === 'string') {
        const msg = JSON.parse(m.data) as ServerMessage;
        setEnd(msg.type === 'exit' ? t('exec.exited', { code: msg.exitCode }) : msg.message);
        return;
      }
      term.write(new Uint8Array(m.data as ArrayBuffer));
    };
    ws.onclose = (e) => {
      setState('closed');
      if (e.code !== 1000 && e.reason) setEnd((old) => old ?? e.reason);
    };
    ws.onerror = () => setEnd((old) => old ?? t('exec.failed'));
    // Without a terminal on the other side nothing echoes: echo locally.
    const input = term.onData((d) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (!tty) term.write(d === '\r' ? '\r\n' : d);
      ws.send(enc.encode(!tty && d === '\r' ? '\n' : d));
    });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      input.dispose();
      ws.close();
      term.dispose();
    };
  }, [base, command, container, tty, session, mode, t]);

  const colors: Record<State, string> = { connecting: 'processing', open: 'success', closed: 'default' };
  return (
    <>
      <PageHeader title={t('exec.title', { name })} sub={namespace} />
      <Flex gap={12} wrap="wrap" align="center" style={{ marginBottom: 8 }}>
        <Select
          aria-label={t('workloads.container')}
          style={{ width: 180 }}
          value={container}
          onChange={(v) => setParams((p) => (p.set('container', v), p))}
          options={(pod.data?.containers ?? []).map((x) => ({ value: x.name, label: x.name }))}
        />
        <Input
          aria-label={t('exec.command')}
          defaultValue={command}
          style={{ width: 200 }}
          onPressEnter={(e) => setParams((p) => (p.set('command', (e.target as HTMLInputElement).value), p))}
        />
        <Checkbox checked={tty} onChange={(e) => setParams((p) => (p.set('tty', String(e.target.checked)), p))}>
          {t('exec.tty')}
        </Checkbox>
        <Button onClick={() => setSession((s) => s + 1)}>{t('exec.reconnect')}</Button>
        <Tag color={colors[state]} data-testid="exec-state">
          {t(`exec.state_${state}`)}
        </Tag>
      </Flex>
      {end ? <Alert type="info" showIcon message={end} style={{ marginBottom: 8 }} /> : null}
      <div ref={host} data-testid="terminal" aria-label={t('exec.terminal')} role="region" style={{ height: 'calc(100vh - 240px)', padding: 4, border: '1px solid rgba(128,128,128,.3)' }} />
    </>
  );
}

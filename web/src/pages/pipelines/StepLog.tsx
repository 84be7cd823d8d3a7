// One step's log: read whole once the execution has ended, followed as
// Server-Sent Events while it runs (reconnecting from the last offset when
// the stream drops), drawn with only the lines in view in the DOM.
import { useVirtualizer } from '@tanstack/react-virtual';
import { Alert, Flex, Switch, Typography, theme } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { rawRequest } from '../../api/client';
import { logChunk, pipelinePaths } from '../../api/pipelines';
import { ApiError } from '../../api/problem';
import { readSSE } from '../../api/sse';
import { errorMessage } from '../../components/ErrorView';
import { LogLines } from './logLines';

interface Props {
  cluster: string;
  project: string;
  execution: string;
  stage: number;
  step: number;
  title: string;
  /** live: the execution still runs, so the log is followed. */
  live: boolean;
}

export function StepLog({ cluster, project, execution, stage, step, title, live }: Props) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const [, setVersion] = useState(0);
  const [state, setState] = useState<'loading' | 'following' | 'reconnecting' | 'done' | 'empty'>('loading');
  const [error, setError] = useState<unknown>();
  const [follow, setFollow] = useState(true);
  const buf = useRef(new LogLines());
  const scrollRef = useRef<HTMLDivElement>(null);
  const paths = pipelinePaths(cluster, project);
  // Following starts once per step; the end of the execution does not
  // restart it (the stream ends by itself).
  const liveAtStart = useRef(live);

  useEffect(() => {
    buf.current = new LogLines();
    setVersion((v) => v + 1);
    setError(undefined);
    setState('loading');
    const ac = new AbortController();
    let offset = 0;
    const bump = () => setVersion((v) => v + 1);
    const readWhole = async () => {
      try {
        const resp = await rawRequest(paths.log(execution, stage, step), { headers: { Accept: 'text/plain' }, signal: ac.signal });
        buf.current.add(await resp.text());
        bump();
        setState(buf.current.lines.length ? 'done' : 'empty');
      } catch (e) {
        if (ac.signal.aborted) return;
        if (e instanceof ApiError && e.status === 404) setState('empty');
        else setError(e);
      }
    };
    const followLog = async () => {
      for (let attempt = 0; !ac.signal.aborted; attempt++) {
        let ended = false;
        try {
          setState(attempt === 0 ? 'following' : 'reconnecting');
          await readSSE(
            paths.log(execution, stage, step, { follow: true, offset }),
            (ev) => {
              setState('following');
              const to = ev.id ? Number(ev.id) : offset;
              if (ev.event === 'log') {
                buf.current.add(logChunk(ev.data, offset, to));
                offset = to;
                bump();
              } else if (ev.event === 'end') {
                ended = true;
              }
            },
            ac.signal,
          );
        } catch (e) {
          if (ac.signal.aborted) return;
          if (e instanceof ApiError && e.status < 500) {
            setError(e);
            return;
          }
        }
        if (ended) {
          setState(buf.current.lines.length ? 'done' : 'empty');
          return;
        }
        // Dropped: reconnect from the offset read so far.
        await new Promise((r) => setTimeout(r, Math.min(1000 * (attempt + 1), 5000)));
      }
    };
    void (liveAtStart.current ? followLog() : readWhole());
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cluster, project, execution, stage, step]);

  const lines = buf.current.lines;
  const v = useVirtualizer({ count: lines.length, getScrollElement: () => scrollRef.current, estimateSize: () => 18, overscan: 20 });
  useEffect(() => {
    if (follow && lines.length) v.scrollToIndex(lines.length - 1, { align: 'end' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lines.length, follow]);

  const status =
    state === 'following' ? t('pipelines.logFollowing') : state === 'reconnecting' ? t('pipelines.logReconnecting') : state === 'done' ? t('pipelines.logComplete') : state === 'empty' ? t('pipelines.logEmpty') : t('pipelines.logLoading');
  return (
    <section aria-label={t('pipelines.logOf', { step: title })} data-testid="step-log">
      <Flex justify="space-between" align="center" style={{ marginBottom: 6 }} wrap="wrap" gap={8}>
        <Typography.Title level={2} style={{ fontSize: 15, margin: 0 }}>
          {t('pipelines.logOf', { step: title })}
        </Typography.Title>
        <Flex gap={12} align="center">
          <Typography.Text type="secondary" data-testid="log-state">
            {status} · {t('pipelines.lineCount', { count: lines.length })}
          </Typography.Text>
          <label>
            <Switch size="small" checked={follow} onChange={setFollow} aria-label={t('pipelines.logScroll')} /> <Typography.Text>{t('pipelines.logScroll')}</Typography.Text>
          </label>
        </Flex>
      </Flex>
      {error ? <Alert type="error" showIcon role="alert" message={errorMessage(error)} style={{ marginBottom: 6 }} /> : null}
      <div
        ref={scrollRef}
        role="log"
        aria-live="off"
        tabIndex={0}
        aria-label={t('pipelines.logOf', { step: title })}
        style={{
          height: 360,
          overflow: 'auto',
          background: token.colorFillQuaternary,
          border: `1px solid ${token.colorBorderSecondary}`,
          borderRadius: 6,
          fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
          fontSize: 12,
          lineHeight: '18px',
          color: token.colorText,
        }}
        onWheel={(e) => {
          if (e.deltaY < 0) setFollow(false);
        }}
      >
        <div style={{ height: v.getTotalSize(), position: 'relative', minWidth: '100%' }}>
          {v.getVirtualItems().map((row) => (
            <div key={row.key} style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${row.start}px)`, height: 18, whiteSpace: 'pre', paddingInline: 8 }}>
              <span aria-hidden="true" style={{ display: 'inline-block', width: 44, color: token.colorTextSecondary, userSelect: 'none' }}>
                {row.index + 1}
              </span>
              <span>{lines[row.index]}</span>
            </div>
          ))}
        </div>
      </div>
    </section>
  );
}

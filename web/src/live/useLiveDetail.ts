// useLiveDetail keeps one object's detail current: the watch stream of its
// list, narrowed to its name, tells when to read the detail again; without
// watch streams the detail is polled.
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { runWatch } from './watchLoop';

const pollMs = 3000;

/** Returns the refetch interval the detail query should use. */
export function useLiveDetail(listPath: string, name: string, detailKey: QueryKey): number | false {
  const qc = useQueryClient();
  const [polling, setPolling] = useState(false);
  const keyText = JSON.stringify(detailKey);
  useEffect(() => {
    const ctl = new AbortController();
    setPolling(false);
    const start = () =>
      void runWatch({
        listPath: `${listPath}?fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`,
        cursor: undefined,
        signal: ctl.signal,
        onEvent: () => void qc.invalidateQueries({ queryKey: detailKey }),
        onReset: () => {
          void qc.invalidateQueries({ queryKey: detailKey });
          if (!ctl.signal.aborted) start();
        },
        onUnavailable: () => setPolling(true),
      });
    start();
    return () => ctl.abort();
    // detailKey is compared by value (keyText).
  }, [listPath, name, keyText, qc]);
  return polling ? pollMs : false;
}

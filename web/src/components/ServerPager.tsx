// Server-side pages of a listing that pages with continue tokens: the
// tokens of the pages seen are kept so the user can go back, and a new key
// (another filter, another repository) starts again at the first page.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Flex, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface ContinuePage<T> {
  items: T[];
  continue?: string;
  total?: number;
}

export function useServerPages<T>(key: unknown[], fetchPage: (cont: string) => Promise<ContinuePage<T>>) {
  const id = JSON.stringify(key);
  const [state, setState] = useState<{ id: string; tokens: string[] }>({ id, tokens: [''] });
  const tokens = state.id === id ? state.tokens : [''];
  const page = tokens.length - 1;
  const q = useQuery({
    queryKey: [...key, tokens[page]],
    queryFn: () => fetchPage(tokens[page]),
    placeholderData: keepPreviousData,
  });
  const next = q.data?.continue && !q.isPlaceholderData ? q.data.continue : undefined;
  return {
    query: q,
    items: q.data?.items ?? [],
    total: q.data?.total,
    page,
    next: next ? () => setState({ id, tokens: [...tokens, next] }) : undefined,
    prev: page > 0 ? () => setState({ id, tokens: tokens.slice(0, -1) }) : undefined,
  };
}

/** Pager moves between server pages and chooses their size. */
export function Pager({ page, total, next, prev, size, onSize, label }: {
  page: number;
  total?: number;
  next?: () => void;
  prev?: () => void;
  size: number;
  onSize: (n: number) => void;
  label: string;
}) {
  const { t } = useTranslation();
  return (
    <Flex gap={8} align="center" justify="end" wrap="wrap" style={{ marginTop: 8 }} role="navigation" aria-label={label}>
      {total !== undefined ? <Typography.Text type="secondary">{t('pager.total', { total })}</Typography.Text> : null}
      <Button size="small" onClick={prev} disabled={!prev}>
        {t('pager.prev')}
      </Button>
      <Typography.Text aria-live="polite">{t('pager.page', { page: page + 1 })}</Typography.Text>
      <Button size="small" onClick={next} disabled={!next}>
        {t('pager.next')}
      </Button>
      <Select
        size="small"
        aria-label={t('pager.size')}
        value={size}
        onChange={onSize}
        style={{ width: 110 }}
        options={[20, 50, 100].map((n) => ({ value: n, label: t('pager.perPage', { n }) }))}
      />
    </Flex>
  );
}

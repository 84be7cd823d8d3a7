import { Tag } from 'antd';

const colors: Record<string, string> = {
  Ready: 'success',
  Running: 'success',
  Active: 'success',
  Available: 'success',
  Bound: 'success',
  Succeeded: 'success',
  Complete: 'success',
  Completed: 'success',
  Pending: 'processing',
  Provisioning: 'processing',
  Syncing: 'processing',
  Progressing: 'processing',
  Running_: 'processing',
  Terminating: 'warning',
  Deleting: 'warning',
  NotReady: 'error',
  Failed: 'error',
  Unavailable: 'error',
  Unauthorized: 'error',
  Unknown: 'default',
};

/** StatusTag colours a phase or status the same way everywhere. */
export function StatusTag({ status }: { status?: string }) {
  if (!status) return null;
  return <Tag color={colors[status] ?? 'default'}>{status}</Tag>;
}

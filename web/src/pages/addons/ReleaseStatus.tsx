import { Tag } from 'antd';

const colors: Record<string, string> = {
  deployed: 'success',
  failed: 'error',
  superseded: 'default',
  uninstalled: 'default',
  uninstalling: 'warning',
  'pending-install': 'processing',
  'pending-upgrade': 'processing',
  'pending-rollback': 'processing',
  // kstatus, of a release's objects
  Current: 'success',
  InProgress: 'processing',
  Failed: 'error',
  Terminating: 'warning',
  NotFound: 'error',
  Unknown: 'default',
};

/** ReleaseStatus colours Helm's status of a release or revision, and kstatus of its objects. */
export function ReleaseStatus({ status }: { status: string }) {
  return <Tag color={colors[status] ?? 'default'}>{status}</Tag>;
}

import { Typography } from 'antd';
import { shortDigest } from './format';

/** Digest shows a content digest shortened, the whole one on hover and copied by its button. */
export function Digest({ digest }: { digest?: string }) {
  if (!digest) return <span>-</span>;
  return (
    <Typography.Text code copyable={{ text: digest }} title={digest} style={{ whiteSpace: 'nowrap' }}>
      {shortDigest(digest)}
    </Typography.Text>
  );
}

// Objects that change (an upgrade's plan) or drifted, each with its
// unified diff.
import { Collapse, Flex, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ObjectDiff } from '../../api/addons';
import { UnifiedDiff } from '../../components/editor/UnifiedDiff';

const changeColor = { added: 'success', removed: 'error', changed: 'processing' } as const;

export function DiffList({ objects }: { objects: ObjectDiff[] }) {
  const { t } = useTranslation();
  const name = (o: ObjectDiff) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
  return (
    <Collapse
      size="small"
      defaultActiveKey={objects.slice(0, 3).map(name)}
      items={objects.map((o) => ({
        key: name(o),
        label: (
          <Flex gap={8} align="center">
            <Tag color={changeColor[o.change]}>{t(`addons.change_${o.change}`)}</Tag>
            <Typography.Text>{name(o)}</Typography.Text>
          </Flex>
        ),
        children: <UnifiedDiff diff={o.diff} label={t('addons.diffOf', { object: name(o) })} />,
      }))}
    />
  );
}

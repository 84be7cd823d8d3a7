import { MinusCircleOutlined } from '@ant-design/icons';
import { Button, Form, Input, Space } from 'antd';
import { useTranslation } from 'react-i18next';

/** DataEditor edits a data map as key and value rows, inside a Form under the name "entries". */
export function DataEditor() {
  const { t } = useTranslation();
  return (
    <Form.List name="entries">
      {(fields, { add, remove }) => (
        <>
          {fields.map((f) => (
            <Space key={f.key} align="start" style={{ display: 'flex' }}>
              <Form.Item name={[f.name, 'key']}>
                <Input aria-label={t('form.key')} placeholder={t('form.key')} style={{ width: 220 }} />
              </Form.Item>
              <Form.Item name={[f.name, 'value']}>
                <Input.TextArea aria-label={t('form.value')} placeholder={t('form.value')} autoSize={{ minRows: 1, maxRows: 12 }} style={{ width: 480, fontFamily: 'monospace' }} />
              </Form.Item>
              <Button type="text" aria-label={t('action.remove')} icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} />
            </Space>
          ))}
          <Button onClick={() => add({ key: '', value: '' })}>{t('config.addKey')}</Button>
        </>
      )}
    </Form.List>
  );
}

import { Select, type SelectProps } from 'antd';

/**
 * FormSelect is a Select for a required Form.Item: antd marks the control
 * of a required item aria-required, which on a Select lands on its wrapper,
 * a plain div that may not carry it (axe: aria-allowed-attr). The label
 * still shows the item is required, and the rule still checks it.
 */
export function FormSelect<V = unknown>(props: SelectProps<V> & { 'aria-required'?: unknown }) {
  const { 'aria-required': _required, ...rest } = props;
  return <Select<V> {...rest} />;
}

// A dialog around a form that writes to the API: the submit button shows
// the request in flight, and a failed request's errors land on the fields
// they name (see showProblem), the rest in an alert above the form.
import { Alert, Button, Flex, Form, Modal, type FormInstance } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { showProblem } from './formErrors';

interface Props<V> {
  open: boolean;
  title: ReactNode;
  onClose: () => void;
  form: FormInstance<V>;
  /** Sends the request; a throw shows its problem on the form. */
  onSubmit: (values: V) => Promise<void>;
  submitText: string;
  /** Problem locations whose rest is one map key (see problemToFieldErrors). */
  mapFields?: string[];
  initialValues?: Partial<V>;
  width?: number;
  danger?: boolean;
  /** Shown above the form: a notice. */
  intro?: ReactNode;
  children: ReactNode;
}

export function FormDialog<V>({ open, title, onClose, form, onSubmit, submitText, mapFields, initialValues, width = 560, danger, intro, children }: Props<V>) {
  const { t } = useTranslation();
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setErrors([]);
    onClose();
  };
  const submit = async (v: V) => {
    setBusy(true);
    setErrors([]);
    try {
      await onSubmit(v);
    } catch (e) {
      setErrors(showProblem(form, e, mapFields));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} title={title} onCancel={close} footer={null} destroyOnHidden width={width}>
      {intro}
      {errors.length ? <Alert type="error" showIcon role="alert" message={errors.join('; ')} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={initialValues} preserve={false}>
        {children}
        <Flex justify="end" gap={8} style={{ marginTop: 16 }}>
          <Button onClick={close}>{t('action.cancel')}</Button>
          <Button type="primary" danger={danger} htmlType="submit" loading={busy}>
            {submitText}
          </Button>
        </Flex>
      </Form>
    </Modal>
  );
}


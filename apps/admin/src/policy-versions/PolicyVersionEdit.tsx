import { Alert } from '@mui/material';
import { Edit, SimpleForm, useRecordContext, useTranslate } from 'react-admin';
import { PolicyVersionInputs } from './PolicyVersionInputs';

const DraftForm = () => {
  const record = useRecordContext();
  const translate = useTranslate();
  if (record?.status === 'published') return <Alert severity="warning">{translate('soar2.policy.immutable')}</Alert>;
  return (
    <SimpleForm>
      <PolicyVersionInputs />
    </SimpleForm>
  );
};

/** Drafts only: the API refuses to change a published version (POLICY_VERSION_PUBLISHED). */
export const PolicyVersionEdit = () => (
  <Edit mutationMode="pessimistic" redirect="show">
    <DraftForm />
  </Edit>
);

import { Box, Button, Card, CardContent, Stack, Typography } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Form, PasswordInput, TextInput, Title, required, useNotify, useTranslate } from 'react-admin';
import { callApi } from '../providers/consoleApi';

interface TotpStatus {
  enabled: boolean;
  pending: boolean;
  enabledAt: string | null;
}

interface TotpSetup {
  secret: string;
  uri: string;
}

const sameAsNew = (value: unknown, values: Record<string, unknown>) => (value === values.newPassword ? undefined : 'soar2.auth.passwords_differ');

/** Changes the signed-in member's password (current one required); other sessions are signed out. */
const PasswordCard = () => {
  const translate = useTranslate();
  const notify = useNotify();
  const [formKey, setFormKey] = useState(0);
  const submit = async (values: Record<string, unknown>) => {
    const result = await callApi<unknown>('POST', '/admin/auth/password', { currentPassword: values.currentPassword, newPassword: values.newPassword });
    if (result.ok) {
      notify('soar2.security.password_changed', { type: 'success' });
      setFormKey((k) => k + 1);
      return undefined;
    }
    if (result.fieldErrors) return result.fieldErrors;
    notify(result.message, { type: 'error' });
    return undefined;
  };
  return (
    <Card>
      <CardContent>
        <Typography variant="h6" component="h2">
          {translate('soar2.security.password')}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {translate('soar2.auth.password_rules')}
        </Typography>
        <Form key={formKey} onSubmit={submit} noValidate>
          <PasswordInput source="currentPassword" label="soar2.security.current_password" autoComplete="current-password" validate={required()} fullWidth />
          <PasswordInput source="newPassword" label="soar2.auth.new_password" autoComplete="new-password" validate={required()} fullWidth />
          <PasswordInput source="confirm" label="soar2.auth.confirm_password" autoComplete="new-password" validate={[required(), sameAsNew]} fullWidth />
          <Button type="submit" variant="contained">
            {translate('soar2.security.change_password')}
          </Button>
        </Form>
      </CardContent>
    </Card>
  );
};

/** Two-step sign-in: set up (secret and otpauth URI shown as text), confirm with a code, or turn off with the password. */
const TotpCard = () => {
  const translate = useTranslate();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const [setup, setSetup] = useState<TotpSetup | undefined>();
  const status = useQuery({
    queryKey: ['soar2', 'totp-status'],
    queryFn: async () => {
      const result = await callApi<TotpStatus>('GET', '/admin/auth/totp');
      if (!result.ok) throw new Error(result.message);
      return result.body;
    },
  });
  const reload = () => queryClient.invalidateQueries({ queryKey: ['soar2', 'totp-status'] });

  const start = async () => {
    const result = await callApi<TotpSetup>('POST', '/admin/auth/totp/setup');
    if (result.ok) setSetup(result.body);
    else notify(result.message, { type: 'error' });
  };
  const confirm = async (values: Record<string, unknown>) => {
    const result = await callApi<TotpStatus>('POST', '/admin/auth/totp/confirm', { code: values.code });
    if (result.ok) {
      setSetup(undefined);
      notify('soar2.security.totp_enabled', { type: 'success' });
      await reload();
      return undefined;
    }
    if (result.fieldErrors) return result.fieldErrors;
    return { code: result.message };
  };
  const turnOff = async (values: Record<string, unknown>) => {
    const result = await callApi<unknown>('POST', '/admin/auth/totp/disable', { password: values.password });
    if (result.ok) {
      notify('soar2.security.totp_disabled', { type: 'success' });
      await reload();
      return undefined;
    }
    if (result.fieldErrors) return result.fieldErrors;
    notify(result.message, { type: 'error' });
    return undefined;
  };

  return (
    <Card>
      <CardContent>
        <Typography variant="h6" component="h2">
          {translate('soar2.security.totp')}
        </Typography>
        {status.data?.enabled ? (
          <>
            <Typography data-testid="totp-state">{translate('soar2.security.totp_on', { date: new Date(status.data.enabledAt ?? '').toLocaleString() })}</Typography>
            <Form onSubmit={turnOff} noValidate>
              <PasswordInput source="password" label="ra.auth.password" autoComplete="current-password" validate={required()} fullWidth />
              <Button type="submit" variant="outlined" color="error">
                {translate('soar2.security.turn_off')}
              </Button>
            </Form>
          </>
        ) : setup ? (
          <>
            <Typography variant="body2">{translate('soar2.security.scan')}</Typography>
            <Box component="dl" sx={{ '& dd': { fontFamily: 'monospace', wordBreak: 'break-all', ml: 0, mb: 1 } }}>
              <dt>{translate('soar2.security.secret')}</dt>
              <dd data-testid="totp-secret">{setup.secret}</dd>
              <dt>{translate('soar2.security.uri')}</dt>
              <dd data-testid="totp-uri">{setup.uri}</dd>
            </Box>
            <Form onSubmit={confirm} noValidate>
              <TextInput source="code" label="soar2.auth.totp" autoComplete="one-time-code" slotProps={{ htmlInput: { inputMode: 'numeric' } }} validate={required()} />
              <Button type="submit" variant="contained">
                {translate('soar2.security.confirm')}
              </Button>
            </Form>
          </>
        ) : (
          <>
            <Typography data-testid="totp-state">{translate('soar2.security.totp_off')}</Typography>
            <Button variant="contained" onClick={() => void start()} disabled={!status.isSuccess} sx={{ mt: 1 }}>
              {translate('soar2.security.set_up')}
            </Button>
          </>
        )}
      </CardContent>
    </Card>
  );
};

/** The signed-in member's own security settings (user menu → Security). */
export const SecurityPage = () => {
  const translate = useTranslate();
  return (
    <Stack spacing={2} sx={{ mt: 2, maxWidth: 640 }}>
      <Title title={translate('soar2.security.title')} />
      <PasswordCard />
      <TotpCard />
    </Stack>
  );
};

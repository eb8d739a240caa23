import { Button, CardContent, CircularProgress } from '@mui/material';
import { useState } from 'react';
import { Form, Login, PasswordInput, TextInput, required, useLogin, useNotify, useTranslate } from 'react-admin';
import { AuthError } from '../providers/authProvider';

interface Credentials {
  username: string;
  password: string;
  totp?: string;
}

/**
 * Email and password; when the API answers TOTP_REQUIRED (the member turned two-step sign-in on),
 * the form asks for the authenticator code and sends all three again.
 */
const StaffLoginForm = () => {
  const login = useLogin();
  const notify = useNotify();
  const translate = useTranslate();
  const [loading, setLoading] = useState(false);
  const [needsCode, setNeedsCode] = useState(false);

  const submit = (values: Record<string, unknown>) => {
    const { username, password, totp } = values as unknown as Credentials;
    setLoading(true);
    login({ username, password, ...(needsCode && totp ? { totp } : {}) })
      .catch((error: unknown) => {
        const codeRequired = error instanceof AuthError && error.code === 'TOTP_REQUIRED';
        if (codeRequired) setNeedsCode(true);
        notify(error instanceof Error ? error.message : 'ra.auth.sign_in_error', { type: codeRequired ? 'info' : 'error' });
      })
      .finally(() => setLoading(false));
  };

  return (
    <Form onSubmit={submit} mode="onChange" noValidate>
      <CardContent sx={{ width: 300, pb: 2 }}>
        <TextInput autoFocus source="username" label={translate('ra.auth.username')} autoComplete="username" validate={required()} />
        <PasswordInput source="password" label={translate('ra.auth.password')} autoComplete="current-password" validate={required()} />
        {needsCode && (
          <TextInput
            autoFocus
            source="totp"
            label={translate('soar2.auth.totp')}
            helperText="soar2.auth.totp_helper"
            autoComplete="one-time-code"
            slotProps={{ htmlInput: { inputMode: 'numeric' } }}
            validate={required()}
          />
        )}
        <Button variant="contained" type="submit" color="primary" disabled={loading} fullWidth sx={{ mt: 2 }}>
          {loading ? <CircularProgress size={19} thickness={3} /> : translate('ra.auth.sign_in')}
        </Button>
      </CardContent>
    </Form>
  );
};

export const LoginPage = () => (
  <Login>
    <StaffLoginForm />
  </Login>
);

import { Button, Card, CardContent, Typography } from '@mui/material';
import { Form, PasswordInput, required, useNotify, useTranslate } from 'react-admin';
import { useLocation, useNavigate } from 'react-router-dom';
import { callApi } from '../providers/consoleApi';

const sameAsPassword = (value: unknown, values: Record<string, unknown>) => (value === values.password ? undefined : 'soar2.auth.passwords_differ');

/**
 * Where an invitation or reset email leads (#/set-password?token=…): the member chooses their
 * password, then signs in with it. Reachable signed out; the token is the credential.
 */
export const SetPasswordPage = () => {
  const translate = useTranslate();
  const notify = useNotify();
  const navigate = useNavigate();
  const token = new URLSearchParams(useLocation().search).get('token') ?? '';

  const submit = async (values: Record<string, unknown>) => {
    const result = await callApi<unknown>('POST', '/admin/auth/set-password', { token, password: values.password });
    if (result.ok) {
      notify('soar2.auth.password_set', { type: 'success' });
      navigate('/login');
      return undefined;
    }
    if (result.fieldErrors?.password) return { password: result.fieldErrors.password };
    notify(result.message, { type: 'error' });
    return undefined;
  };

  return (
    <Card sx={{ maxWidth: 420, mx: 'auto', mt: 12 }}>
      <CardContent>
        <Typography variant="h5" component="h1" gutterBottom>
          {translate('soar2.auth.set_password_title')}
        </Typography>
        <Typography variant="body2" color="text.secondary" gutterBottom>
          {translate('soar2.auth.password_rules')}
        </Typography>
        {token ? (
          <Form onSubmit={submit} noValidate>
            <PasswordInput source="password" label="soar2.auth.new_password" autoComplete="new-password" validate={required()} fullWidth />
            <PasswordInput source="confirm" label="soar2.auth.confirm_password" autoComplete="new-password" validate={[required(), sameAsPassword]} fullWidth />
            <Button type="submit" variant="contained" fullWidth sx={{ mt: 2 }}>
              {translate('soar2.auth.set_password')}
            </Button>
          </Form>
        ) : (
          <Typography color="error">{translate('soar2.auth.no_token')}</Typography>
        )}
      </CardContent>
    </Card>
  );
};

import SecurityIcon from '@mui/icons-material/Security';
import { ListItemIcon, ListItemText, MenuItem } from '@mui/material';
import { forwardRef } from 'react';
import { Logout, UserMenu, useTranslate, useUserMenu } from 'react-admin';
import { useNavigate } from 'react-router-dom';

const SecurityMenuItem = forwardRef<HTMLLIElement>((props, ref) => {
  const { onClose } = useUserMenu() ?? {};
  const navigate = useNavigate();
  const translate = useTranslate();
  return (
    <MenuItem
      ref={ref}
      {...props}
      onClick={() => {
        onClose?.();
        navigate('/security');
      }}
    >
      <ListItemIcon>
        <SecurityIcon fontSize="small" />
      </ListItemIcon>
      <ListItemText>{translate('soar2.security.title')}</ListItemText>
    </MenuItem>
  );
});
SecurityMenuItem.displayName = 'SecurityMenuItem';

/** The app bar's user menu: the signed-in member's security settings, and sign out. */
export const ConsoleUserMenu = () => (
  <UserMenu>
    <SecurityMenuItem />
    <Logout />
  </UserMenu>
);

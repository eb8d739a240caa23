import { AppBar, TitlePortal } from 'react-admin';
import { ConsoleUserMenu } from './ConsoleUserMenu';
import { StaffBadge } from './StaffBadge';

export const ConsoleAppBar = () => (
  <AppBar userMenu={<ConsoleUserMenu />}>
    <TitlePortal />
    <StaffBadge />
  </AppBar>
);

import { AppBar, TitlePortal } from 'react-admin';
import { StaffBadge } from './StaffBadge';

export const ConsoleAppBar = () => (
  <AppBar>
    <TitlePortal />
    <StaffBadge />
  </AppBar>
);

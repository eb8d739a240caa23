import { Admin, CustomRoutes, Resource } from 'react-admin';
import { HashRouter, Route } from 'react-router-dom';
import { auditLog } from './audit-log';
import { LoginPage } from './account/LoginPage';
import { SecurityPage } from './account/SecurityPage';
import { SetPasswordPage } from './account/SetPasswordPage';
import { Dashboard } from './dashboard/Dashboard';
import { ConsoleLayout } from './layout/ConsoleLayout';
import { notifications } from './notifications';
import { privacyPackages } from './privacy-packages';
import { authProvider } from './providers/authProvider';
import { dataProvider } from './providers/dataProvider';
import { i18nProvider } from './providers/i18nProvider';
import { staff } from './staff';
import { users } from './users';

// react-admin's own router lets react-router 7 wrap navigations in transitions; then the redirect
// to the sign-in page keeps losing to the re-render that logout's cache reset causes, and the
// page loops logout → checkAuth for seconds (marmelab/react-admin#10764). Plain updates do not race.
export const App = () => (
  <HashRouter useTransitions={false}>
    <Admin
      title="Soar2 Back-Office"
      authProvider={authProvider}
      dataProvider={dataProvider}
      i18nProvider={i18nProvider}
      dashboard={Dashboard}
      layout={ConsoleLayout}
      loginPage={LoginPage}
      requireAuth
      disableTelemetry
    >
      {/* Menu entries, pages and buttons follow authProvider.canAccess (the CASL rules from sign-in). */}
      <Resource {...users} />
      <Resource {...staff} />
      <Resource {...notifications} />
      <Resource {...auditLog} />
      <Resource {...privacyPackages} />
      <CustomRoutes>
        <Route path="/security" element={<SecurityPage />} />
      </CustomRoutes>
      {/* Reached from an emailed link while signed out: no layout, so no sign-in is asked for. */}
      <CustomRoutes noLayout>
        <Route path="/set-password" element={<SetPasswordPage />} />
      </CustomRoutes>
    </Admin>
  </HashRouter>
);

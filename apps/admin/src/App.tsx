import { Admin, CustomRoutes, Resource } from 'react-admin';
import { HashRouter, Route } from 'react-router-dom';
import { auditLog } from './audit-log';
import { consents } from './consents';
import { deletionCertificates } from './deletion-certificates';
import { erasures } from './erasures';
import { legalHolds } from './legal-holds';
import { retentionPolicies } from './retention-policies';
import { retentionRuns } from './retention-runs';
import { LoginPage } from './account/LoginPage';
import { macros } from './macros';
import { SecurityPage } from './account/SecurityPage';
import { SetPasswordPage } from './account/SetPasswordPage';
import { Dashboard } from './dashboard/Dashboard';
import { generations } from './generations';
import { ConsoleLayout } from './layout/ConsoleLayout';
import { noticeCampaigns } from './notice-campaigns';
import { notifications } from './notifications';
import { policyVersions } from './policy-versions';
import { plans } from './plans';
import { creditEntries } from './credit-entries';
import { stripeEvents } from './stripe-events';
import { subscriptions } from './subscriptions';
import { privacyRequests } from './privacy-requests';
import { privacyPackages } from './privacy-packages';
import { authProvider } from './providers/authProvider';
import { dataProvider } from './providers/dataProvider';
import { i18nProvider } from './providers/i18nProvider';
import { staff } from './staff';
import { subprocessors } from './subprocessors';
import { tickets } from './tickets';
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
      <Resource {...tickets} />
      <Resource {...macros} />
      <Resource {...users} />
      <Resource {...staff} />
      <Resource {...notifications} />
      <Resource {...legalHolds} />
      <Resource {...retentionPolicies} />
      <Resource {...retentionRuns} />
      <Resource {...erasures} />
      <Resource {...deletionCertificates} />
      <Resource {...generations} />
      <Resource {...auditLog} />
      <Resource {...consents} />
      <Resource {...policyVersions} />
      <Resource {...subprocessors} />
      <Resource {...noticeCampaigns} />
      <Resource {...plans} />
      <Resource {...subscriptions} />
      <Resource {...creditEntries} />
      <Resource {...stripeEvents} />
      <Resource {...privacyRequests} />
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

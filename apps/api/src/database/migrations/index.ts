// Every migration, in order. Add new ones at the end; never edit one that has landed.
import { IdentityCore1764230400000 } from './1764230400000-identity-core';
import { ScheduledTaskRuns1764230460000 } from './1764230460000-scheduled-task-runs';
import { NotificationsOutbox1764230720000 } from './1764230720000-notifications-outbox';
import { UserSessions1764231000000 } from './1764231000000-user-sessions';
import { NotificationsSensitive1764231400000 } from './1764231400000-notifications-sensitive';
import { UserSignIn1764231460000 } from './1764231460000-user-sign-in';
import { AuditLog1795784800000 } from './1795784800000-audit-log';
import { StaffAccounts1795788164956 } from './1795788164956-staff-accounts';
import { UsersConsoleSearch1795788241009 } from './1795788241009-users-console-search';
import { SupportDesk1795794157495 } from './1795794157495-support-desk';
import { ConsentAndPolicy1795794180014 } from './1795794180014-consent-and-policy';
import { CreditLedger1795794185471 } from './1795794185471-credit-ledger';
import { AccessPackages1795794248186 } from './1795794248186-access-packages';
import { PrivacyRequests1795794360380 } from './1795794360380-privacy-requests';
import { GenerationJobs1795794500973 } from './1795794500973-generation-jobs';
import { BillingStripe1795794557608 } from './1795794557608-billing-stripe';
import { KeystoreAndLegalHolds1795794563964 } from './1795794563964-keystore-and-legal-holds';
import { RetentionAndErasure1795794887392 } from './1795794887392-retention-and-erasure';
import { PrivacyRequestTicket1795797705978 } from './1795797705978-privacy-request-ticket';
import { AuditLogSegments1795805272459 } from './1795805272459-audit-log-segments';
import { EmailLookupAndSealedAccessLog1795805298096 } from './1795805298096-email-lookup-and-sealed-access-log';
import { GenerationSealedAndExpiry1795805854590 } from './1795805854590-generation-sealed-and-expiry';
import { LedgerRetentionIndex1795806019505 } from './1795806019505-ledger-retention-index';
import { SupportSealedText1795806681791 } from './1795806681791-support-sealed-text';
import { ConsentSealedIp1795807558251 } from './1795807558251-consent-sealed-ip';
import { AuditLogSealedIp1795808530188 } from './1795808530188-audit-log-sealed-ip';

export const MIGRATIONS = [IdentityCore1764230400000, ScheduledTaskRuns1764230460000, NotificationsOutbox1764230720000, UserSessions1764231000000, NotificationsSensitive1764231400000, UserSignIn1764231460000, AuditLog1795784800000, StaffAccounts1795788164956, UsersConsoleSearch1795788241009, SupportDesk1795794157495, ConsentAndPolicy1795794180014, CreditLedger1795794185471, AccessPackages1795794248186, PrivacyRequests1795794360380, GenerationJobs1795794500973, BillingStripe1795794557608, KeystoreAndLegalHolds1795794563964, RetentionAndErasure1795794887392, PrivacyRequestTicket1795797705978, AuditLogSegments1795805272459, EmailLookupAndSealedAccessLog1795805298096, GenerationSealedAndExpiry1795805854590, LedgerRetentionIndex1795806019505, SupportSealedText1795806681791, ConsentSealedIp1795807558251, AuditLogSealedIp1795808530188];

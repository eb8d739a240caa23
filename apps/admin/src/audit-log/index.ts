import HistoryIcon from '@mui/icons-material/History';
import type { ResourceProps } from 'react-admin';
import { AuditLogList } from './AuditLogList';
import { AuditLogShow } from './AuditLogShow';

/** The hash-chained audit trail: read-only, filterable, verifiable from the list's toolbar. */
export const auditLog = {
  name: 'audit-log',
  list: AuditLogList,
  show: AuditLogShow,
  icon: HistoryIcon,
  recordRepresentation: (entry) => `#${String(entry.sequence)} ${String(entry.action)}`,
} satisfies ResourceProps;

// Every migration, in order. Add new ones at the end; never edit one that has landed.
import { IdentityCore1764230400000 } from './1764230400000-identity-core';
import { AuditLog1795784800000 } from './1795784800000-audit-log';

export const MIGRATIONS = [IdentityCore1764230400000, AuditLog1795784800000];

import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import type { ListQuery } from '../admin-query/list-query';
import { AuditService } from '../audit/audit.service';
import { AppAbility, record } from '../authz/ability';
import { ColumnMap, accessibleSql } from '../authz/casl-sql';
import { NotificationsService } from '../notifications/notifications.service';
import type { OutgoingMessage } from '../notifications/outgoing-message';
import { AccessLogService } from './access-log.service';
import { EmailLookupService } from './email-lookup.service';
import type { StaffPrincipal } from './auth.decorators';
import { ForbiddenActionException, StatusChangeNotAllowedException } from './identity.exception';
import { UserAdminView, fieldGroupsOf, projectUser, readableUserFields } from './user-admin-view';
import { UserAuthService } from './user-auth.service';
import { containsPattern, fieldsUsedBy, parseUserListFilter } from './user-list-query';
import { StatusChange, statusChange } from './user-status';
import { UserEntity } from './user.entity';
import { UsersService } from './users.service';

/** Access-log entries the detail shows: enough to review recent sign-ins, not the whole 90 days. */
export const USER_DETAIL_ACCESS_LOG_LIMIT = 50;

/** Rule fields → columns of the list query, for the SQL form of the caller's rules. */
const USER_COLUMNS: ColumnMap = {
  id: 'u.id',
  email: 'u.email',
  displayName: 'u.display_name',
  region: 'u.region',
  status: 'u.status',
  ageConfirmedAt: 'u.age_confirmed_at',
  createdAt: 'u.created_at',
  updatedAt: 'u.updated_at',
};

/**
 * End users as staff see them in the console: lists filtered in SQL by the caller's rules,
 * responses cut down to the fields those rules allow, every detail read audited, and the
 * restriction of processing (GDPR Art. 18) set and lifted by privacy officers.
 */
@Injectable()
export class UsersAdminService {
  private readonly logger = new Logger('Identity');

  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(UserEntity) private readonly userRows: Repository<UserEntity>,
    private readonly users: UsersService,
    private readonly sessions: UserAuthService,
    private readonly accessLog: AccessLogService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly emailLookup: EmailLookupService,
  ) {}

  /** A page of users the caller may read, each with the fields the caller may read. Not audited: see docs/audit-log.md. */
  async list(q: ListQuery, ability: AppAbility): Promise<ListPage<UserAdminView>> {
    const filter = parseUserListFilter(q.filter);
    const allowed = accessibleSql(ability, 'read', 'User', USER_COLUMNS);
    if (!allowed) return new ListPage('users', [], q.skip, 0);
    const hidden = fieldsUsedBy(q, filter).filter((field) => !ability.can('read', 'User', field));
    if (hidden.length > 0) throw new ForbiddenActionException(`You may not sort or filter users by ${hidden.join(', ')}: your role cannot see it.`);

    const qb = this.userRows.createQueryBuilder('u').where(allowed.sql, allowed.params);
    if (filter.ids) qb.andWhere('u.id IN (:...ids)', { ids: filter.ids.length ? filter.ids : ['00000000-0000-0000-0000-000000000000'] });
    if (filter.statuses) qb.andWhere('u.status IN (:...statuses)', { statuses: filter.statuses });
    if (filter.region) qb.andWhere('u.region = :region', { region: filter.region });
    // A whole address is found through the keyed hash (indexed); part of one through the contact address.
    if (filter.text && filter.text.includes('@')) qb.andWhere('(u.email_lookup = :lookup OR u.email ILIKE :text OR u.display_name ILIKE :text)', { lookup: this.emailLookup.of(filter.text), text: containsPattern(filter.text) });
    else if (filter.text) qb.andWhere('(u.email ILIKE :text OR u.display_name ILIKE :text)', { text: containsPattern(filter.text) });
    if (filter.createdFrom) qb.andWhere('u.created_at >= :createdFrom', { createdFrom: filter.createdFrom });
    if (filter.createdBefore) qb.andWhere('u.created_at < :createdBefore', { createdBefore: filter.createdBefore });
    // The id breaks ties, so that pages neither repeat nor skip users created at the same instant.
    qb.orderBy(`u.${q.sortField}`, q.sortOrder).addOrderBy('u.id', q.sortOrder);
    const [rows, total] = await qb.offset(q.skip).limit(q.take).getManyAndCount();
    return new ListPage(
      'users',
      rows.map((u) => projectUser(readableUserFields(ability, u), u)),
      q.skip,
      total,
    );
  }

  /**
   * One user with the fields the caller may read; the session count and the access log are only
   * queried for callers who may see them. The read is recorded (`user.read`) before it is answered.
   */
  async get(id: string, ability: AppAbility, staff: StaffPrincipal): Promise<UserAdminView> {
    const user = await this.users.get(id);
    if (!ability.can('read', record('User', user))) throw new ForbiddenActionException('Your role may not see this user.');
    const readable = readableUserFields(ability, user);
    const [activeSessions, accessLog] = await Promise.all([
      readable.has('activeSessions') ? this.sessions.countActive(user.id) : undefined,
      readable.has('accessLog') ? this.accessLog.recentForUser(user.id, USER_DETAIL_ACCESS_LOG_LIMIT) : undefined,
    ]);
    const view = projectUser(readable, user, { activeSessions, accessLog });
    await this.audit.record({
      action: 'user.read',
      actor: { type: 'staff', id: staff.id, role: staff.role },
      subject: { type: 'user', id: user.id },
      details: { fieldGroups: fieldGroupsOf(view), accessLogEntries: accessLog?.length },
    });
    return view;
  }

  /**
   * Restricts processing of a user's data, or lifts the restriction, with the audit entry (status
   * before and after, reason) in the same transaction. Lifting it queues the user's notice (GDPR
   * Art. 18(3)) in that transaction too, so no lift happens without it; a notice period before the
   * lift takes effect belongs to the privacy-request workflow.
   */
  async changeStatus(id: string, change: StatusChange, reason: string, ability: AppAbility, staff: StaffPrincipal): Promise<UserAdminView> {
    const updated = await this.dataSource.transaction(async (manager) => {
      const user = await this.users.getForUpdate(id, manager);
      if (!ability.can('update', record('User', user), 'status')) throw new ForbiddenActionException('Your role may not change the status of this user.');
      const verdict = statusChange(user.status, change);
      if (!verdict.ok) throw new StatusChangeNotAllowedException(verdict.from, change, verdict.message);
      await this.users.setStatus(user.id, verdict.to, manager);
      const notificationId = change === 'unrestrict' ? await this.notifications.enqueue(restrictionLiftedNotice(user), manager) : undefined;
      const after = await this.users.get(user.id, manager);
      await this.audit.record(
        {
          action: `user.${change}`,
          actor: { type: 'staff', id: staff.id, role: staff.role },
          subject: { type: 'user', id: user.id },
          details: { before: { status: verdict.from }, after: { status: verdict.to }, reason, notificationId },
        },
        manager,
      );
      return after;
    });
    this.logger.log({ userId: updated.id, change, staffId: staff.id }, 'user status changed from the console');
    return projectUser(readableUserFields(ability, updated), updated);
  }
}

function restrictionLiftedNotice(user: UserEntity): OutgoingMessage {
  return {
    kind: 'privacy.restriction_lifted',
    class: 'service_critical',
    to: user.email,
    userId: user.id,
    subject: 'The restriction on your Soar2 data has been lifted',
    text: [
      user.displayName ? `Hello ${user.displayName},` : 'Hello,',
      '',
      'You asked us to restrict the processing of your personal data, and we did. That restriction has now been lifted:',
      'we will again process your data as our privacy policy describes, including to generate videos.',
      '',
      'If you think this is a mistake, reply to this email or contact Soar2 support, and you may object or ask for the restriction again.',
    ].join('\n'),
  };
}

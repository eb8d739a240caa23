import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import { ListQuery, ListQueryRules } from '../admin-query/list-query';
import { AuditService } from '../audit/audit.service';
import { AppAbility, record } from '../authz/ability';
import { accessibleSql } from '../authz/casl-sql';
import { NotFoundDomainException } from '../errors/domain.exception';
import type { StaffPrincipal } from './auth.decorators';
import type { CreateStaffDto, UpdateStaffDto } from './dto/staff-admin.dto';
import { FieldNotEditableException, ForbiddenActionException, StaffDisabledException, StaffEmailTakenException, TotpNotEnabledException } from './identity.exception';
import { hashPassword } from './password-hash';
import { StaffCredentialsService, actorOf } from './staff-credentials.service';
import { PASSWORD_LINK_TTL_HOURS, PasswordLinkSent, StaffPasswordService } from './staff-password.service';
import { StaffTotpService } from './staff-totp.service';
import { StaffChanges, StaffView, changedStaffFields, forbiddenStaffField, staffChangeDetails, staffViewFor } from './staff-view';
import { StaffEntity, StaffRole } from './staff.entity';

export const STAFF_LIST_RULES: ListQueryRules = {
  sortable: ['email', 'displayName', 'role', 'status', 'createdAt', 'lastLoginAt'],
  defaultSort: ['createdAt', 'ASC'],
  filterable: ['id', 'role', 'status', 'q'],
};

/** Rule fields of the Staff subject → columns of the list query (layer 3: lists filtered in SQL). */
const STAFF_COLUMNS = { id: 's.id', role: 's.role', status: 's.status' };

/**
 * Staff accounts as admins manage them: list, read, invite, edit, unlock, reset a password, turn
 * off two-step sign-in. Staff are disabled, never deleted: audit entries name them by id. Every
 * change is checked against the caller's CASL ability on the record (a member never changes
 * their own role or status) and audited in its transaction.
 */
@Injectable()
export class StaffService {
  constructor(
    @InjectRepository(StaffEntity) private readonly staff: Repository<StaffEntity>,
    private readonly dataSource: DataSource,
    private readonly credentials: StaffCredentialsService,
    private readonly passwords: StaffPasswordService,
    private readonly totp: StaffTotpService,
    private readonly audit: AuditService,
  ) {}

  async list(q: ListQuery, ability: AppAbility): Promise<ListPage<StaffView>> {
    const allowed = accessibleSql(ability, 'read', 'Staff', STAFF_COLUMNS);
    if (!allowed) return new ListPage('staff', [], q.skip, 0);
    const qb = this.staff.createQueryBuilder('s').andWhere(allowed.sql, allowed.params);
    const { id, role, status, q: text } = q.filter;
    if (Array.isArray(id)) qb.andWhere('s.id IN (:...ids)', { ids: id.length ? id.map(String) : ['00000000-0000-0000-0000-000000000000'] });
    else if (typeof id === 'string') qb.andWhere('s.id = :id', { id });
    if (typeof role === 'string') qb.andWhere('s.role = :role', { role });
    if (typeof status === 'string') qb.andWhere('s.status = :status', { status });
    if (typeof text === 'string' && text.trim()) {
      qb.andWhere('(s.email ILIKE :text OR s.display_name ILIKE :text)', { text: `%${text.trim().replace(/[%_\\]/g, '\\$&')}%` });
    }
    const [items, total] = await qb.orderBy(`s.${q.sortField}`, q.sortOrder).addOrderBy('s.id', q.sortOrder).skip(q.skip).take(q.take).getManyAndCount();
    const now = new Date();
    return new ListPage(
      'staff',
      items.map((row) => staffViewFor(ability, row, now)),
      q.skip,
      total,
    );
  }

  async get(id: string, ability: AppAbility): Promise<StaffView> {
    const found = await this.staff.findOneBy({ id });
    if (!found) throw new NotFoundDomainException('The staff member');
    if (!ability.can('read', record('Staff', found))) throw new ForbiddenActionException();
    return staffViewFor(ability, found);
  }

  async count(): Promise<number> {
    return this.staff.count();
  }

  /** Invites a member: the account exists at once, without a password; an emailed single-use link sets it. */
  async create(actor: StaffPrincipal, ability: AppAbility, dto: CreateStaffDto, now = new Date()): Promise<StaffView> {
    if (!ability.can('create', record('Staff', { ...dto, status: 'active' }))) throw new ForbiddenActionException();
    return this.dataSource.transaction(async (m) => {
      await this.lock(m, actor);
      const inserted = await m
        .createQueryBuilder()
        .insert()
        .into(StaffEntity)
        .values({ email: dto.email, displayName: dto.displayName, role: dto.role, passwordHash: null })
        .orIgnore()
        .returning('id')
        .execute();
      const id = (inserted.raw as Array<{ id: string }>)[0]?.id;
      if (!id) throw new StaffEmailTakenException();
      const member = await m.getRepository(StaffEntity).findOneByOrFail({ id });
      const link = await this.passwords.issueLink(member, 'invite', m, now);
      await this.audit.record(
        {
          action: 'staff.create',
          actor: actorOf(actor),
          subject: { type: 'staff', id },
          details: { after: { displayName: member.displayName, role: member.role, status: member.status }, invitation: { linkId: link.linkId, expiresAt: link.expiresAt.toISOString() } },
        },
        m,
      );
      return staffViewFor(ability, member, now);
    });
  }

  /**
   * Changes name, role or status. Only fields whose value changes are checked and recorded; a
   * role change or disabling signs the member out everywhere (their console reloads its rules).
   */
  async update(actor: StaffPrincipal, ability: AppAbility, id: string, dto: UpdateStaffDto, now = new Date()): Promise<StaffView> {
    return this.dataSource.transaction(async (m) => {
      const target = await this.lock(m, actor, id);
      if (!ability.can('update', record('Staff', target))) throw new ForbiddenActionException();
      const fields = changedStaffFields(target, dto);
      const forbidden = forbiddenStaffField(ability, target, fields);
      if (forbidden) throw new FieldNotEditableException(forbidden.field, forbidden.reason);
      if (fields.length === 0) return staffViewFor(ability, target, now);
      const patch: StaffChanges = Object.fromEntries(fields.map((f) => [f, dto[f]]));
      await m.update(StaffEntity, { id }, patch);
      const signOut = fields.includes('role') || (fields.includes('status') && dto.status === 'disabled');
      const sessionsRevoked = signOut ? await this.credentials.revokeSessions(id, m) : 0;
      const updated = await m.getRepository(StaffEntity).findOneByOrFail({ id });
      await this.audit.record(
        { action: 'staff.update', actor: actorOf(actor), subject: { type: 'staff', id }, details: { ...staffChangeDetails(target, dto, fields), sessionsRevoked } },
        m,
      );
      return staffViewFor(ability, updated, now);
    });
  }

  /** Lifts a sign-in lockout and clears the failure count (nothing is recorded when there was none). */
  async unlock(actor: StaffPrincipal, ability: AppAbility, id: string, now = new Date()): Promise<StaffView> {
    return this.dataSource.transaction(async (m) => {
      const target = await this.lock(m, actor, id);
      if (!ability.can('update', record('Staff', target))) throw new ForbiddenActionException();
      if (target.failedLoginCount === 0 && target.lockedUntil === null) return staffViewFor(ability, target, now);
      await m.update(StaffEntity, { id }, { failedLoginCount: 0, lockedUntil: null });
      const before = { failedLoginCount: target.failedLoginCount, lockedUntil: target.lockedUntil?.toISOString() ?? null };
      await this.audit.record(
        { action: 'staff.unlock', actor: actorOf(actor), subject: { type: 'staff', id }, details: { before, after: { failedLoginCount: 0, lockedUntil: null } } },
        m,
      );
      return staffViewFor(ability, await m.getRepository(StaffEntity).findOneByOrFail({ id }), now);
    });
  }

  /**
   * The member's password stops working at once and their sessions end; an emailed single-use link
   * (2 hours) lets them choose a new one. Their two-step sign-in, if on, stays on.
   */
  async resetPassword(actor: StaffPrincipal, ability: AppAbility, id: string, now = new Date()): Promise<PasswordLinkSent> {
    return this.dataSource.transaction(async (m) => {
      const target = await this.lock(m, actor, id);
      if (!ability.can('update', record('Staff', target))) throw new ForbiddenActionException();
      if (target.status !== 'active') throw new StaffDisabledException();
      await m.update(StaffEntity, { id }, { passwordHash: null, failedLoginCount: 0, lockedUntil: null });
      const sessionsRevoked = await this.credentials.revokeSessions(id, m);
      const link = await this.passwords.issueLink(target, 'reset', m, now);
      await this.audit.record(
        {
          action: 'staff.password_reset',
          actor: actorOf(actor),
          subject: { type: 'staff', id },
          details: { sessionsRevoked, linkId: link.linkId, expiresAt: link.expiresAt.toISOString() },
        },
        m,
      );
      return {
        message: `A link to set a new password was emailed to the staff member. It works once, for ${PASSWORD_LINK_TTL_HOURS.reset} hours.`,
        expiresAt: link.expiresAt.toISOString(),
      };
    });
  }

  /** Turns off another member's two-step sign-in (lost phone, changed TOTP_ENCRYPTION_KEY); never one's own. */
  async turnOffTotp(actor: StaffPrincipal, ability: AppAbility, id: string, now = new Date()): Promise<StaffView> {
    return this.dataSource.transaction(async (m) => {
      const target = await this.lock(m, actor, id);
      if (!ability.can('update', record('Staff', target))) throw new ForbiddenActionException();
      const forbidden = forbiddenStaffField(ability, target, ['totp']);
      if (forbidden) throw new FieldNotEditableException(forbidden.field, forbidden.reason);
      if (target.totpEnabledAt === null) throw new TotpNotEnabledException();
      await this.totp.turnOff(target, 'admin', m, now);
      await this.audit.record({ action: 'staff.totp_disable', actor: actorOf(actor), subject: { type: 'staff', id }, details: { outcome: 'success', by: 'admin' } }, m);
      return staffViewFor(ability, await m.getRepository(StaffEntity).findOneByOrFail({ id }), now);
    });
  }

  /** Creates a staff member with a password unless one with this email exists; returns whether it was created (bootstrap admin, demo seed). */
  async ensure(email: string, displayName: string, role: StaffRole, password: string): Promise<boolean> {
    const passwordHash = await hashPassword(password);
    const result = await this.staff
      .createQueryBuilder()
      .insert()
      .values({ email: email.toLowerCase(), displayName, role, passwordHash })
      .orIgnore()
      .returning('id')
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  /** Sets a staff member's password (used by the demo seed so printed credentials always work). */
  async setPassword(email: string, password: string): Promise<void> {
    await this.staff.update({ email: email.toLowerCase() }, { passwordHash: await hashPassword(password), failedLoginCount: 0, lockedUntil: null });
  }

  /**
   * Locks the caller's row (and the target's, in id order so two admins acting on each other
   * cannot deadlock) and checks the caller is still the active member of the role the request was
   * authorized with: two admins disabling each other at once cannot both succeed.
   */
  private async lock(m: EntityManager, actor: StaffPrincipal, targetId?: string): Promise<StaffEntity> {
    const ids = targetId && targetId !== actor.id ? [actor.id, targetId] : [actor.id];
    const rows = await m.getRepository(StaffEntity).createQueryBuilder('s').where('s.id IN (:...ids)', { ids }).orderBy('s.id').setLock('pessimistic_write').getMany();
    const me = rows.find((r) => r.id === actor.id);
    if (!me || me.status !== 'active' || me.role !== actor.role) throw new ForbiddenActionException('Your own account changed while this request was handled; sign in again.');
    const target = rows.find((r) => r.id === (targetId ?? actor.id));
    if (!target) throw new NotFoundDomainException('The staff member');
    return target;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import { ListQuery, ListQueryRules } from '../admin-query/list-query';
import { NotFoundDomainException } from '../errors/domain.exception';
import { StaffAuthService } from './staff-auth.service';
import { StaffEntity, StaffRole } from './staff.entity';

export const STAFF_LIST_RULES: ListQueryRules = {
  sortable: ['email', 'displayName', 'role', 'status', 'createdAt', 'lastLoginAt'],
  defaultSort: ['createdAt', 'ASC'],
  filterable: ['id', 'role', 'status', 'q'],
};

/** Staff accounts as the console lists them. */
@Injectable()
export class StaffService {
  constructor(@InjectRepository(StaffEntity) private readonly staff: Repository<StaffEntity>) {}

  async list(q: ListQuery): Promise<ListPage<StaffEntity>> {
    const qb = this.staff.createQueryBuilder('s');
    const { id, role, status, q: text } = q.filter;
    if (Array.isArray(id)) qb.andWhere('s.id IN (:...ids)', { ids: id.length ? id.map(String) : ['00000000-0000-0000-0000-000000000000'] });
    else if (typeof id === 'string') qb.andWhere('s.id = :id', { id });
    if (typeof role === 'string') qb.andWhere('s.role = :role', { role });
    if (typeof status === 'string') qb.andWhere('s.status = :status', { status });
    if (typeof text === 'string' && text.trim()) {
      qb.andWhere('(s.email ILIKE :text OR s.display_name ILIKE :text)', { text: `%${text.trim().replace(/[%_\\]/g, '\\$&')}%` });
    }
    const [items, total] = await qb.orderBy(`s.${q.sortField}`, q.sortOrder).skip(q.skip).take(q.take).getManyAndCount();
    return new ListPage('staff', items, q.skip, total);
  }

  async get(id: string): Promise<StaffEntity> {
    const found = await this.staff.findOneBy({ id });
    if (!found) throw new NotFoundDomainException('The staff member');
    return found;
  }

  async count(): Promise<number> {
    return this.staff.count();
  }

  /** Creates a staff member unless one with this email exists; returns whether it was created. */
  async ensure(email: string, displayName: string, role: StaffRole, password: string): Promise<boolean> {
    const passwordHash = await StaffAuthService.hashPassword(password);
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
    await this.staff.update({ email: email.toLowerCase() }, { passwordHash: await StaffAuthService.hashPassword(password), failedLoginCount: 0, lockedUntil: null });
  }
}

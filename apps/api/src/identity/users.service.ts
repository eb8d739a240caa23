import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { NotFoundDomainException } from '../errors/domain.exception';
import { EmailLookupService } from './email-lookup.service';
import { AccountStatus, UserEntity } from './user.entity';

/** End-user accounts: lookups and changes by intent. Sign-in and profile rules live in their services. */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly lookup: EmailLookupService,
  ) {}

  /** Creates a user unless the email exists; returns the user either way. */
  async ensure(email: string, displayName: string, region: string): Promise<UserEntity> {
    const normalized = this.lookup.normalise(email);
    const emailLookup = this.lookup.of(normalized);
    await this.users.createQueryBuilder().insert().values({ email: normalized, emailLookup, displayName, region, ageConfirmedAt: new Date() }).orIgnore().execute();
    return this.users.findOneByOrFail({ emailLookup });
  }

  /** The account holding this address (found by its keyed hash), if any. */
  findByEmail(email: string, manager?: EntityManager): Promise<UserEntity | null> {
    return (manager ? manager.getRepository(UserEntity) : this.users).findOneBy({ emailLookup: this.lookup.of(email) });
  }

  /** The account holding this (lower-case) address, locked for the caller's transaction. */
  findByEmailForUpdate(email: string, manager: EntityManager): Promise<UserEntity | null> {
    return manager.getRepository(UserEntity).findOne({ where: { emailLookup: this.lookup.of(email) }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Creates an account on first sign-in, recording the age confirmation. When a concurrent first
   * sign-in created it a moment earlier, returns that account and `created: false`.
   */
  async createOnFirstSignIn(email: string, manager: EntityManager): Promise<{ user: UserEntity; created: boolean }> {
    await this.lockAddress(email, manager);
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(UserEntity)
      .values({ email, emailLookup: this.lookup.of(email), status: 'active', ageConfirmedAt: () => 'now()' })
      .orIgnore()
      .returning('id')
      .execute();
    const created = (result.raw as unknown[]).length > 0;
    if (!created) await this.healMissingLookup(email, manager);
    const user = await manager.getRepository(UserEntity).findOneOrFail({ where: { emailLookup: this.lookup.of(email) }, lock: { mode: 'pessimistic_write' } });
    return { user, created };
  }

  async get(id: string, manager?: EntityManager): Promise<UserEntity> {
    const found = await (manager ? manager.getRepository(UserEntity) : this.users).findOneBy({ id });
    if (!found) throw new NotFoundDomainException('The user');
    return found;
  }

  async getForUpdate(id: string, manager: EntityManager): Promise<UserEntity> {
    const found = await manager.getRepository(UserEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!found) throw new NotFoundDomainException('The user');
    return found;
  }

  async emailTaken(email: string, manager?: EntityManager): Promise<boolean> {
    return (manager ? manager.getRepository(UserEntity) : this.users).existsBy({ emailLookup: this.lookup.of(email) });
  }

  async updateProfile(id: string, changes: Partial<Pick<UserEntity, 'displayName' | 'region'>>, manager?: EntityManager): Promise<void> {
    if (Object.keys(changes).length === 0) return;
    await (manager ? manager.getRepository(UserEntity) : this.users).update({ id }, changes);
  }

  async setStatus(id: string, status: AccountStatus, manager: EntityManager): Promise<void> {
    await manager.getRepository(UserEntity).update({ id }, { status });
  }

  /** Sets a new sign-in address; false when another account holds it (checked under the address lock). */
  async changeEmail(id: string, email: string, manager: EntityManager): Promise<boolean> {
    await this.lockAddress(email, manager);
    if (await this.emailTaken(email, manager)) return false;
    await manager.getRepository(UserEntity).update({ id }, { email, emailLookup: this.lookup.of(email) });
    return true;
  }

  /**
   * The insert met an existing address that has no hash yet (written by a replica of the previous
   * version during a rolling deploy, before the start-up backfill reached it): give it its hash so
   * the sign-in finds it. A no-op in the steady state, when every non-erased account has one.
   */
  private async healMissingLookup(email: string, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE users SET email_lookup = $2 WHERE email = $1 AND email_lookup IS NULL`, [email, this.lookup.of(email)]);
  }

  /**
   * Serialises everything that may give an address to an account (first sign-in, email change)
   * until the transaction ends, so the unique index is never hit by a race and answered with a 500.
   */
  private async lockAddress(email: string, manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('soar2:user-email'), hashtext($1))`, [email]);
  }
}

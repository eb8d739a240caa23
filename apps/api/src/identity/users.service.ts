import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity } from './user.entity';

/** End-user accounts (sign-in and profile arrive with the identity issue). */
@Injectable()
export class UsersService {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /** Creates a user unless the email exists; returns the user either way. */
  async ensure(email: string, displayName: string, region: string): Promise<UserEntity> {
    const normalized = email.trim().toLowerCase();
    await this.users.createQueryBuilder().insert().values({ email: normalized, displayName, region, ageConfirmedAt: new Date() }).orIgnore().execute();
    return this.users.findOneByOrFail({ email: normalized });
  }
}

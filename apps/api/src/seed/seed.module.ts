import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { SeedService } from './seed.service';

@Module({ imports: [IdentityModule], providers: [SeedService], exports: [SeedService] })
export class SeedModule {}

import { Global, Inject, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

/** TypeORM on PostgreSQL; the URL is resolved at start (external server or the embedded one). */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        if (!config.database.url) throw new Error('The database URL must be resolved before the application module is created.');
        return { ...dataSourceOptions(config.database.url, config.database.poolSize), autoLoadEntities: true };
      },
    }),
  ],
})
export class DatabaseModule {
  constructor(@Inject(APP_CONFIG) readonly config: AppConfig) {}
}

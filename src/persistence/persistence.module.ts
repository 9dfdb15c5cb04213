import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { createDataSource } from './data-source';
import { ReadModelSealer } from './read-model-sealer';

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => createDataSource(config.DATABASE_URL).initialize(),
    },
    DataSourceCloser,
  ],
  exports: [DataSource],
})
export class PersistenceModule {}

/**
 * The API's DataSource: connecting and queries are bounded (DATABASE_CONNECT_TIMEOUT_MS,
 * DATABASE_QUERY_TIMEOUT_MS), so a PostgreSQL outage fails a request inside its budget.
 */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) =>
        createDataSource(config.DATABASE_URL, { connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS, queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS }).initialize(),
    },
    // Opens the read model's sealed personal data for the services that answer with it.
    { provide: ReadModelSealer, inject: [AppConfig], useFactory: (config: AppConfig) => ReadModelSealer.for(config) },
    DataSourceCloser,
  ],
  exports: [DataSource, ReadModelSealer],
})
export class ApiPersistenceModule {}

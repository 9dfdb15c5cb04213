import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { AppConfig } from '../config/app-config';
import { dataConverterFor } from './temporal-options';

@Injectable()
class ConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(Client) private readonly client: Client) {}
  async onApplicationShutdown(): Promise<void> {
    await this.client.connection.close();
  }
}

/** One Temporal client per process, sharing the payload codec with the worker. */
@Global()
@Module({
  providers: [
    {
      provide: Client,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
        return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverterFor(config) });
      },
    },
    ConnectionCloser,
  ],
  exports: [Client],
})
export class TemporalClientModule {}

import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import type { AppConfig as ParsedConfig } from './config.schema';
import { PolicyRegistry } from './policy-registry';

/** Configuration read once at boot (see loadConfig) and policy packs validated at boot. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: ParsedConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: Object.freeze({ ...config }) },
        { provide: PolicyRegistry, useFactory: () => PolicyRegistry.fromDirectory(config.POLICY_DIR) },
      ],
      exports: [AppConfig, PolicyRegistry],
    };
  }
}

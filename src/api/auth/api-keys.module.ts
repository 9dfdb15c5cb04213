import { Global, Module } from '@nestjs/common';
import { ApiKeyService } from './api-key.service';

/**
 * Global: one ApiKeyService, so one key cache, for the guard and every module that authenticates a
 * key (the desk's sign-in) or changes one (assigning an account drops the key's cached principal).
 * A second instance would keep a cache nobody clears.
 */
@Global()
@Module({ providers: [ApiKeyService], exports: [ApiKeyService] })
export class ApiKeysModule {}

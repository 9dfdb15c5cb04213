import { Body, Controller, Param, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { ApiKeyService, KeyAssignmentError, KeyScopeError } from '../auth/api-key.service';
import { Operation } from '../auth/roles.decorator';
import { ApiProblems } from '../problem/api-problems';
import { Problem } from '../problem/problem';
import { ApiKeyResponse } from './account.response';
import { AssignKeyAccountDto } from './account.dto';

/** An API key as operations see it: never the key or its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  role: string;
  keyPrefix: string;
  account: string | null;
  brand: string | null;
  createdAt: string;
}

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: ApiKeyService,
  ) {}

  @Patch(':id')
  @Operation('apiKeys.assignAccount')
  @ApiOperation({
    summary:
      "Put an existing client key into an account (keys made before accounts existed see no tickets); it takes the account's brand and sees that account's tickets (other API instances: within 5 seconds)",
  })
  @ApiParam({ name: 'id', description: "The key's ID (as `make key` printed it, or from GET /v1/accounts/backfill)" })
  @ApiOkResponse({ type: ApiKeyResponse, description: 'Assigned (or it was this account’s already)' })
  @ApiProblems(
    [404, 'No such key'],
    [409, 'The key is revoked, or belongs to another account already'],
    [422, 'Not a client key, no such account, or an account of another brand than the key’s (field account)'],
  )
  async assign(@Param('id') id: string, @Body() dto: AssignKeyAccountDto): Promise<ApiKeyResponse> {
    try {
      const { key, changed } = await ApiKeyService.assignAccount(this.dataSource, id, dto.account);
      // The guard's key cache (one, ApiKeysModule): the key's next request reads its new account.
      if (changed) this.keys.forget(key.id);
      return { id: key.id, name: key.name, role: key.role, keyPrefix: key.keyPrefix, account: key.accountId, brand: key.brand, createdAt: key.createdAt.toISOString() };
    } catch (err) {
      if (err instanceof KeyScopeError) throw Problem.validation([{ field: err.field, message: err.message }], 422);
      if (err instanceof KeyAssignmentError) {
        if (err.reason === 'not-found') throw Problem.notFound('API key', id);
        throw Problem.conflict(err.reason === 'revoked' ? 'key-revoked' : 'key-has-account', err.message, { errors: [{ field: 'account', message: err.message }] });
      }
      throw err;
    }
  }
}

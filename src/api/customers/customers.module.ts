import { Global, Module } from '@nestjs/common';
import { CustomerDirectory } from './customer-directory';
import { CustomersController } from './customers.controller';
import { CustomerViewService } from './customer-view.service';

/**
 * The CRM as the API reads it (issue 16): entitlements at intake, and the one customer view
 * (GET /v1/customers/{customerRef} and its timeline). AccessLogService comes from the global AccessLogModule.
 */
@Global()
@Module({ controllers: [CustomersController], providers: [CustomerDirectory, CustomerViewService], exports: [CustomerDirectory] })
export class CustomersModule {}

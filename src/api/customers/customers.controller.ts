import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { accessorOf } from '../access-log/accessor';
import type { AuthenticatedRequest } from '../auth/principal';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Operation } from '../auth/roles.decorator';
import { ApiProblems } from '../problem/api-problems';
import { checkCustomerRef, CustomerPageQuery } from './customer.dto';
import { CustomerTimelineResponse, CustomerViewResponse } from './customer.response';
import { CustomerViewService } from './customer-view.service';

const CUSTOMER_REF = { name: 'customerRef', description: "The customer's reference in the CRM (a ticket's or refund's customerRef; a dunning case's gateway customer ID)" };
const NOT_FOUND = [404, 'No such customer: the CRM does not know them and the caller sees none of their cases (also for a customer of another account or brand)'] as const;
const BAD_INPUT = [400, 'A customerRef that is not a reference (1–200 characters, no control characters), a limit outside 1–100, or a cursor this API did not issue'] as const;

/**
 * One customer view (issue 16 §4). Which cases a caller sees: a kind only when its role may read
 * that kind (tickets.read, incidents.read, refunds.read, disputes.read, dunning.read), and only
 * cases in its scope — a client key its account's tickets (never refunds or incidents), a brand's
 * agent that brand's cases. Takedowns name no customer (a notice carries no uploader reference)
 * and are never listed.
 */
@ApiTags('customers')
@ApiBearerAuth()
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomerViewService) {}

  @Get(':customerRef')
  @Operation('customers.read')
  @ApiOperation({
    summary: "One customer: the CRM profile and every case of every kind the caller may see (status and SLA), newest first, paged with nextCursor",
    description:
      'Kinds: tickets, incidents linked to the customer’s tickets (with those tickets), refunds, chargebacks on the customer’s refunds’ charges, dunning cases — each only for a role that may read it, ' +
      'and only within the key’s scope (a client key: its account’s tickets; an agent key with a brand: that brand’s cases). Takedowns are not listed: a notice names no customer. ' +
      'The profile is shown to agents, and to a client key only for a customer with a ticket in its account. A caller who sees no case of the customer and may not see the profile gets 404, as for an unknown customer. ' +
      'Each case shown is recorded in the access log.',
  })
  @ApiParam(CUSTOMER_REF)
  @ApiOkResponse({ type: CustomerViewResponse })
  @ApiProblems([...NOT_FOUND], [...BAD_INPUT])
  view(
    @Param('customerRef') customerRef: string,
    @Query() query: CustomerPageQuery,
    @CurrentPrincipal() caller: Principal,
    @Req() req: Request & AuthenticatedRequest,
  ): Promise<CustomerViewResponse> {
    return this.customers.view(checkCustomerRef(customerRef), query, caller, accessorOf(req)!);
  }

  @Get(':customerRef/timeline')
  @Operation('customers.timeline')
  @ApiOperation({
    summary: "The events of the customer's cases (those the customer view lists to the caller), merged, newest first, paged with nextCursor",
    description:
      'Event data is opened from the seal (an erased case reads "[erased]"); the actor is as recorded (a customer may appear under their pseudonym). An incident’s links to other customers’ tickets are left out. ' +
      'Each case whose events are shown is recorded in the access log.',
  })
  @ApiParam(CUSTOMER_REF)
  @ApiOkResponse({ type: CustomerTimelineResponse })
  @ApiProblems([...NOT_FOUND], [...BAD_INPUT])
  timeline(
    @Param('customerRef') customerRef: string,
    @Query() query: CustomerPageQuery,
    @CurrentPrincipal() caller: Principal,
    @Req() req: Request & AuthenticatedRequest,
  ): Promise<CustomerTimelineResponse> {
    return this.customers.timeline(checkCustomerRef(customerRef), query, caller, accessorOf(req)!);
  }
}

import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import type { TicketEntitlement } from '../../domain/customer/entitlement';
import type { AuthenticatedRequest } from '../auth/principal';

/**
 * A client key names any customerRef it likes, and accounts are not mapped to CRM companies: so a
 * client reads only how its ticket's plan was established (status, its own claim), never the
 * CRM's facts about that reference (tier, region, contract, enterprise, which CRM). Agents read all.
 */
export function clientEntitlement(e: TicketEntitlement): Pick<TicketEntitlement, 'status' | 'claimedPlan'> {
  return { status: e.status, claimedPlan: e.claimedPlan };
}

@Injectable()
export class ClientEntitlementInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (principal?.role !== 'client') return next.handle();
    return next.handle().pipe(
      map((body: unknown) => {
        const e = (body as { entitlement?: TicketEntitlement | null } | null)?.entitlement;
        return e && typeof e === 'object' ? { ...(body as object), entitlement: clientEntitlement(e) } : body;
      }),
    );
  }
}

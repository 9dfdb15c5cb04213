import { ApplicationFailure, Next, UpdateInput, WorkflowExecuteInput, WorkflowInboundCallsInterceptor, WorkflowInterceptorsFactory, workflowInfo } from '@temporalio/workflow';
import { applyCardDataPolicy, boundCardDataFields, CardDataBinding, WORKFLOW_CARD_DATA } from '../domain/card-data-policy';

/**
 * The card-data policy for input that reached a workflow without the API (a script, the CLI, a
 * client bug): the same fields, the same choices. An update's validator refuses a card number in a
 * reference (InvalidValue naming the field: the API answers 422), and its handler gets prose with
 * cards reduced to the last four. A start cannot be refused without losing the case, so every
 * policy field of the start input is redacted. Pure code: runs in the workflow sandbox.
 */
export const CARD_DATA_FAILURE = 'InvalidValue';

class CardDataInbound implements WorkflowInboundCallsInterceptor {
  constructor(private readonly workflowType: string) {}

  private binding(update?: string): CardDataBinding | undefined {
    const bindings = WORKFLOW_CARD_DATA[this.workflowType];
    return update === undefined ? bindings?.start : bindings?.updates?.[update];
  }

  execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    return next({ ...input, args: redactFirst(this.binding(), input.args) });
  }

  validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    const binding = this.binding(input.name);
    if (binding && input.args.length > 0) {
      const { refused } = applyCardDataPolicy(boundCardDataFields(binding), input.args[0], { refuse: true });
      if (refused.length > 0) {
        // The field only: the value would leak the card into history and logs.
        throw ApplicationFailure.nonRetryable(`${refused[0]} must not contain a card number (give the last four digits at most)`, CARD_DATA_FAILURE, {
          field: refused[0],
          fields: refused,
          reason: 'card-data-refused',
        });
      }
    }
    next(input);
  }

  handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    // Validators do not run on replay, and an accepted update can no longer be refused: redact all.
    return next({ ...input, args: redactFirst(this.binding(input.name), input.args) });
  }
}

function redactFirst(binding: CardDataBinding | undefined, args: readonly unknown[]): unknown[] {
  if (!binding || args.length === 0) return [...args];
  const [first, ...rest] = args;
  return [applyCardDataPolicy(boundCardDataFields(binding), first, { refuse: false }).value, ...rest];
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new CardDataInbound(workflowInfo().workflowType)],
});

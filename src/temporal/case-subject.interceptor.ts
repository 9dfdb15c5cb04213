import type { Next, WorkflowClientInterceptor, WorkflowSignalWithStartInput, WorkflowStartInput, WorkflowStartOutput, WorkflowStartUpdateWithStartInput, WorkflowStartUpdateWithStartOutput } from '@temporalio/client';
import type { CaseKeyStore } from './case-keys.store';
import { subjectOfStart, SubjectHasher } from './case-subject';

/**
 * Records, before a case's workflow starts, whom the case is about: the subject's HMAC on the
 * case's key row (src/temporal/case-subject.ts says which input field names the subject per
 * kind). Erasure finds a subject's cases by it. Runs before the start input is encoded, so the
 * key it creates is the one the input is sealed with.
 */
export class CaseSubjectInterceptor implements WorkflowClientInterceptor {
  constructor(
    private readonly keys: CaseKeyStore,
    private readonly hasher: SubjectHasher,
  ) {}

  async startWithDetails(input: WorkflowStartInput, next: Next<WorkflowClientInterceptor, 'startWithDetails'>): Promise<WorkflowStartOutput> {
    await this.record(input.options.workflowId, input.workflowType, input.options.args);
    return next(input);
  }

  async signalWithStart(input: WorkflowSignalWithStartInput, next: Next<WorkflowClientInterceptor, 'signalWithStart'>): Promise<string> {
    await this.record(input.options.workflowId, input.workflowType, input.options.args);
    return next(input);
  }

  async startUpdateWithStart(
    input: WorkflowStartUpdateWithStartInput,
    next: Next<WorkflowClientInterceptor, 'startUpdateWithStart'>,
  ): Promise<WorkflowStartUpdateWithStartOutput> {
    await this.record(input.workflowStartOptions.workflowId, input.workflowType, input.workflowStartOptions.args);
    return next(input);
  }

  private async record(workflowId: string, workflowType: string, args: readonly unknown[] | undefined): Promise<void> {
    const subject = subjectOfStart(workflowType, args ?? []);
    if (subject !== null) await this.keys.recordSubject(workflowId, this.hasher.hash(subject));
  }
}

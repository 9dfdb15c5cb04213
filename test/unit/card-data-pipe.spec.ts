import { CardDataPipe } from '../../src/api/card-data/card-data.pipe';
import { Problem } from '../../src/api/problem/problem';
import { AssignDto, ReplyDto } from '../../src/api/tickets/ticket.dto';

const CARD = '4242_4242_4242_4242';

describe('CardDataPipe', () => {
  const pipe = new CardDataPipe();
  const problemOf = (fn: () => unknown): Problem => {
    try {
      fn();
    } catch (err) {
      return err as Problem;
    }
    throw new Error('expected a refusal');
  };

  it('redacts prose of a body its policy names, keeping the DTO class', () => {
    const dto = Object.assign(new ReplyDto(), { message: `card ${CARD}` });
    const out = pipe.transform(dto, { type: 'body', metatype: ReplyDto }) as ReplyDto;
    expect(out).toBeInstanceOf(ReplyDto);
    expect(out.message).toBe('card •••• 4242');
  });

  it('refuses a reference with 422 card-data-refused naming the field, never quoting it', () => {
    const problem = problemOf(() => pipe.transform(Object.assign(new AssignDto(), { assignee: CARD }), { type: 'body', metatype: AssignDto }));
    expect(problem).toBeInstanceOf(Problem);
    expect(problem.getStatus()).toBe(422);
    expect(problem.toDetails()).toMatchObject({ type: Problem.typeFor('card-data-refused'), errors: [{ field: 'assignee' }] });
    expect(JSON.stringify(problem.toDetails())).not.toContain('4242_4242');
  });

  it('refuses a card anywhere in a body class the policy forgot (fail closed)', () => {
    class ForgottenDto {
      notes: { text: string }[] = [];
    }
    const problem = problemOf(() => pipe.transform(Object.assign(new ForgottenDto(), { notes: [{ text: 'ok' }, { text: CARD }] }), { type: 'body', metatype: ForgottenDto }));
    expect(problem.toDetails().errors).toEqual([expect.objectContaining({ field: 'notes.1.text' })]);
  });

  it('leaves alone what is no DTO body: raw payloads, query strings, params', () => {
    const raw = { payloads: [{ data: CARD }] };
    expect(pipe.transform(raw, { type: 'body', metatype: Object })).toBe(raw);
    expect(pipe.transform(raw, { type: 'body' })).toBe(raw);
    expect(pipe.transform(CARD, { type: 'param', metatype: String })).toBe(CARD);
    const query = Object.assign(new AssignDto(), { assignee: CARD });
    expect(pipe.transform(query, { type: 'query', metatype: AssignDto })).toBe(query);
  });
});

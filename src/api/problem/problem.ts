import { HttpException } from '@nestjs/common';

/** RFC 9457 problem details, plus `errors` naming each bad field. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export interface FieldError {
  /** Dotted path of the field (`customerRef`, `items.0.url`), or a header as `header:Name`. */
  field: string;
  message: string;
}

const TYPE_BASE = 'https://caseworks.dev/problems/';

/** An error the API answers with on purpose; the filter renders it as problem+json. */
export class Problem extends HttpException {
  constructor(
    status: number,
    readonly slug: string,
    readonly title: string,
    detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title, status);
  }

  toDetails(): ProblemDetails {
    return { type: TYPE_BASE + this.slug, title: this.title, status: this.getStatus(), detail: this.message, ...this.extensions };
  }

  static validation(errors: FieldError[], status = 400): Problem {
    const fields = [...new Set(errors.map((e) => e.field))];
    return new Problem(status, 'validation', 'Request is not valid', `invalid field(s): ${fields.join(', ')}`, { errors });
  }

  static notFound(what: string, id: string): Problem {
    return new Problem(404, 'not-found', 'Not found', `${what} ${id} does not exist`);
  }

  static conflict(slug: string, detail: string, extensions: Record<string, unknown> = {}): Problem {
    return new Problem(409, slug, 'Conflict with the current state', detail, extensions);
  }

  static typeFor(slug: string): string {
    return TYPE_BASE + slug;
  }
}

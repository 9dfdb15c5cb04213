import { Problem } from './problem';

/** The shape of the errors body-parser (through http-errors) passes on: a `type` naming the failure and an HTTP status. */
interface BodyParserError {
  type: string;
  status?: number;
  statusCode?: number;
  limit?: number;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return err instanceof Error && typeof (err as { type?: unknown }).type === 'string' && typeof ((err as { status?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode) === 'number';
}

/**
 * A gzip, deflate or br body that does not decompress: body-parser passes zlib's own error on
 * (`Z_DATA_ERROR`, `ERR__ERROR_FORMAT_…`) with status 400 but no `type`.
 */
function isUndecodableBody(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const { status, type, errno, code } = err as { status?: unknown; type?: unknown; errno?: unknown; code?: unknown };
  return status === 400 && type === undefined && typeof errno === 'number' && typeof code === 'string' && /^(Z_|ERR_)/.test(code);
}

/**
 * A body that could not be read, as the problem a client can act on. The parser's own message is
 * not passed on: for malformed JSON it quotes the body.
 */
export function problemFromBodyParser(err: unknown): Problem | undefined {
  if (isUndecodableBody(err)) {
    return new Problem(400, 'malformed-body', 'Malformed body', 'the body does not decode as its Content-Encoding says', {
      errors: [{ field: 'header:Content-Encoding', message: 'does not match the body' }],
    });
  }
  if (!isBodyParserError(err)) return undefined;
  const body = (message: string) => ({ errors: [{ field: 'body', message }] });
  switch (err.type) {
    case 'entity.too.large':
      return new Problem(413, 'payload-too-large', 'Payload too large', err.limit ? `the body is larger than the limit of ${Math.floor(err.limit / 1024)} KiB` : 'the body is larger than the limit', body('too large'));
    case 'entity.parse.failed':
      return new Problem(400, 'malformed-body', 'Malformed body', 'the body is not valid JSON', body('is not valid JSON'));
    case 'charset.unsupported':
      return new Problem(415, 'unsupported-media-type', 'Unsupported media type', 'the body must be UTF-8', { errors: [{ field: 'header:Content-Type', message: 'charset must be utf-8' }] });
    case 'encoding.unsupported':
      return new Problem(415, 'unsupported-media-type', 'Unsupported media type', 'the body must be sent as identity, gzip, deflate or br', {
        errors: [{ field: 'header:Content-Encoding', message: 'unsupported content encoding' }],
      });
    case 'parameters.too.many':
      return new Problem(413, 'payload-too-large', 'Payload too large', 'the body has too many parameters', body('too many parameters'));
    case 'request.size.invalid':
      return new Problem(400, 'malformed-body', 'Malformed body', 'the body is shorter or longer than its Content-Length', { errors: [{ field: 'header:Content-Length', message: 'does not match the body' }] });
    case 'request.aborted':
      return new Problem(400, 'malformed-body', 'Malformed body', 'the client aborted the request before its body arrived', body('incomplete'));
    default: {
      const status = err.status ?? err.statusCode ?? 500;
      // A 5xx from the parser (stream already read, …) is our own failure and stays one.
      if (status < 400 || status >= 500) return undefined;
      return new Problem(status, 'malformed-body', 'Malformed body', 'the body could not be read', body('could not be read'));
    }
  }
}

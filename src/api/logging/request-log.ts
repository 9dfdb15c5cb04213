import { withoutSubjectRef } from '../privacy/subject-path';

/**
 * What the HTTP log says of a request: its path and the NAMES of its query parameters. Query
 * values are never logged: they carry customer references and, from careless clients, keys
 * (`?api_key=…`).
 */
export function requestTarget(url: string): { path: string; query?: string[] } {
  const at = url.indexOf('?');
  if (at < 0) return { path: withoutSubjectRef(url) };
  const names = new Set<string>();
  for (const pair of url.slice(at + 1).split('&')) {
    if (pair === '') continue;
    const raw = pair.split('=', 1)[0];
    let name: string;
    try {
      name = decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      name = raw;
    }
    // A name is the client's text too: cut and stripped of controls, so it cannot forge log lines.
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    names.add(name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 64));
  }
  return { path: withoutSubjectRef(url.slice(0, at)), query: [...names] };
}

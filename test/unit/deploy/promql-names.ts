/**
 * The metric names and label matchers a PromQL expression uses, for checking alert rules and
 * dashboard panels against the metric catalog. A small reading of PromQL, enough for our own
 * expressions: strings, durations and grouping clauses are removed before names are picked.
 */
const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);

export interface Selector {
  metric: string;
  labels: string[];
}

/** Each metric selector: its name and the label names it matches on (`name{label="…"}`). */
export function selectorsOf(expr: string): Selector[] {
  const selectors: Selector[] = [];
  const text = expr
    .replace(/\[[^\]]*\]/g, ' ') // range and subquery durations, including Grafana's $__rate_interval
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  // A name not glued to a number (1e3) or another name, then optional matchers.
  const selector = /(?<![\w.:])([a-zA-Z_:][\w:]*)?\s*(\{(?:[^}"]|"(?:[^"\\]|\\.)*")*\})?/g;
  for (const match of text.matchAll(selector)) {
    const [whole, name, matchers] = match;
    if (whole.trim() === '') continue;
    const after = text.slice(match.index + whole.length).trimStart();
    if (name && (after.startsWith('(') || KEYWORDS.has(name.toLowerCase()))) continue; // a function or keyword
    if (!name && !matchers) continue;
    const labels = [...(matchers ?? '').replace(/"(?:[^"\\]|\\.)*"/g, '""').matchAll(/([a-zA-Z_]\w*)\s*(=~|!~|!=|=)/g)].map((m) => m[1]);
    selectors.push({ metric: name ?? '', labels });
  }
  return selectors;
}

export function metricNamesOf(expr: string): string[] {
  return [...new Set(selectorsOf(expr).map((s) => s.metric))];
}

/** A histogram's series carry a suffix the family name does not. */
export function familyOf(series: string, histograms: ReadonlySet<string>): string {
  const base = series.replace(/_(bucket|sum|count)$/, '');
  return base !== series && histograms.has(base) ? base : series;
}

/** The label names an expression groups by (`by (…)`), which its result keeps. */
export function groupingLabelsOf(expr: string): string[] {
  const labels = [...expr.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((m) => m[1].split(',').map((l) => l.trim()).filter(Boolean));
  return [...new Set(labels)];
}

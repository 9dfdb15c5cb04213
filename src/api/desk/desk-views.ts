import { zonedTime } from '../../domain/ui-details';
import { DECISION_OUTCOMES, TAKEDOWN_STATES } from '../../domain/takedown/case';
import { REGIMES } from '../../domain/takedown/regime';
import type { TakedownView } from '../../workflows/takedown/messages';
import type { FieldError } from '../problem/problem';
import type { TakedownCaseRead } from '../takedowns/takedowns.service';
import type { TransparencyReport } from '../takedowns/transparency.service';
import { DESK_ACTIONS, DeskActionName } from './desk-actions';
import { caseMark, clocksOf, Mark, nextStep, relative, utc } from './desk-clocks';
import { html, SafeHtml } from './html';

// ---- small parts -------------------------------------------------------------------------------

const MARK_LABEL: Record<Mark, string> = { overdue: 'Overdue', at_risk: 'At risk', on_track: 'On track', none: '' };
const MARK_CLASS: Record<Mark, string> = { overdue: 'overdue', at_risk: 'at-risk', on_track: 'on-track', none: 'neutral' };

export function markBadge(mark: Mark): SafeHtml {
  return mark === 'none' ? html`` : html`<span class="badge ${MARK_CLASS[mark]}">${MARK_LABEL[mark]}</span>`;
}

const stateLabel = (state: string) => state.replace(/_/g, ' ');

/** A moment: in the legal calendar's zone and UTC when the zone is known, else UTC; then how far off it is. */
function time(at: string | null | undefined, now: number, timeZone?: string): SafeHtml {
  if (!at) return html`—`;
  return html`<time datetime="${at}">${zoned(at, timeZone)}</time> <span class="muted" data-rel="${at}">(${relative(at, now)})</span>`;
}

const zoned = (at: string, timeZone: string | undefined): string => (timeZone && !Number.isNaN(Date.parse(at)) ? zonedTime(Date.parse(at), timeZone) : utc(at));

function errorBox(message: string, errors: readonly FieldError[] = []): SafeHtml {
  return html`<div class="error" role="alert"><strong>${message}</strong>${errors.length
    ? html`<ul>${errors.map((e) => html`<li><strong>${e.field}</strong>: ${e.message}</li>`)}</ul>`
    : ''}</div>`;
}

function flashBox(message: string | undefined): SafeHtml {
  return message ? html`<div class="flash" role="status">${message}</div>` : html``;
}

const csrfField = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}">`;

// ---- sign-in -----------------------------------------------------------------------------------

export function signInBody(opts: { csrf: string; next: string; notice?: string; error?: string; oidc: boolean }): SafeHtml {
  return html`<h1>Sign in to the legal desk</h1>
${opts.notice ? html`<div class="flash" role="status">${opts.notice}</div>` : ''}
${opts.error ? errorBox(opts.error) : ''}
<div class="card">
${opts.oidc ? html`<p><a class="button" href="/desk/sign-in/oidc?next=${encodeURIComponent(opts.next)}">Sign in with your organisation’s account</a></p><p class="muted">Or with a legal API key:</p>` : ''}
<form method="post" action="/desk/sign-in">
  ${csrfField(opts.csrf)}
  <input type="hidden" name="next" value="${opts.next}">
  <label for="key">Legal API key <span class="hint">The key is checked and forgotten: the desk keeps a session, never the key.</span></label>
  <input id="key" name="key" type="password" autocomplete="off" required>
  <button type="submit">Sign in</button>
</form>
</div>`;
}

export function messageBody(title: string, text: string, link?: { href: string; label: string }): SafeHtml {
  return html`<h1>${title}</h1><p>${text}</p>${link ? html`<p><a href="${link.href}">${link.label}</a></p>` : ''}`;
}

// ---- the queue ---------------------------------------------------------------------------------

export interface QueueFilters {
  state?: string;
  regime?: string;
  reviewer?: string;
  overdue?: boolean;
  id?: string;
}

export function queueBody(opts: { items: TakedownView[]; filters: QueueFilters; now: number; limit?: number; errors?: FieldError[] }): SafeHtml {
  const f = opts.filters;
  const option = (value: string, selected: string | undefined, label = value) => html`<option value="${value}"${selected === value ? html` selected` : ''}>${label}</option>`;
  return html`<h1>Takedown queue</h1>
<p class="muted">Open takedowns, the next statutory deadline first. Times in UTC.</p>
${opts.errors?.length ? errorBox('These filters are not valid:', opts.errors) : ''}
<form class="card filters" method="get" action="/desk" role="search" aria-label="Filter the queue">
  <div><label for="f-id">Case ID</label><input id="f-id" name="id" type="search" value="${f.id ?? ''}" placeholder="takedown-…"></div>
  <div><label for="f-state">State</label><select id="f-state" name="state">${option('', f.state, 'any open')}${TAKEDOWN_STATES.map((s) => option(s, f.state, stateLabel(s)))}</select></div>
  <div><label for="f-regime">Regime</label><select id="f-regime" name="regime">${option('', f.regime, 'any')}${REGIMES.map((r) => option(r, f.regime))}</select></div>
  <div><label for="f-reviewer">Reviewer</label><input id="f-reviewer" name="reviewer" type="text" value="${f.reviewer ?? ''}"></div>
  <div><label class="check" for="f-overdue"><input id="f-overdue" name="overdue" type="checkbox" value="1"${f.overdue ? html` checked` : ''}> Overdue only</label></div>
  <div><button type="submit">Filter</button> <a href="/desk">Clear</a></div>
</form>
<p id="queue-count" aria-live="polite">${opts.items.length} case(s)${opts.limit !== undefined && opts.items.length >= opts.limit ? ' — the most urgent; filter to see others' : ''}</p>
<div class="table-wrap">
<table aria-describedby="queue-count">
<thead><tr><th scope="col">Case</th><th scope="col">Next deadline</th><th scope="col">Mark</th><th scope="col">State</th><th scope="col">Regime</th><th scope="col">Basis</th><th scope="col">Items</th><th scope="col">Reviewer</th><th scope="col">Received</th></tr></thead>
<tbody>
${opts.items.map((t) => {
  const mark = caseMark(t, opts.now);
  return html`<tr class="${MARK_CLASS[mark]}" data-case="${t.id}">
  <td><a href="/desk/takedowns/${encodeURIComponent(t.id)}"><code>${t.id}</code></a></td>
  <td>${time(t.nextDeadlineAt, opts.now)}</td>
  <td>${markBadge(mark)}</td>
  <td><span class="badge state">${stateLabel(t.state)}</span></td>
  <td>${t.regimes.join(', ')}</td>
  <td>${t.legalBasis.replace(/_/g, ' ')}</td>
  <td>${t.items.length}</td>
  <td>${t.reviewer ?? html`<span class="muted">unassigned</span>`}</td>
  <td>${utc(t.receivedAt)}</td>
</tr>`;
})}
</tbody>
</table>
</div>
${opts.items.length === 0 ? html`<p>No open takedowns match.</p>` : ''}`;
}

// ---- the case page -----------------------------------------------------------------------------

export interface CaseRefusal {
  action: DeskActionName;
  status: number;
  detail: string;
  errors: FieldError[];
  form: Record<string, unknown>;
}

export interface HistoryItem {
  type: string;
  actor: string;
  occurredAt: string;
  data: unknown;
}

export function caseBody(opts: {
  takedown: TakedownCaseRead;
  history: HistoryItem[];
  offered: DeskActionName[];
  csrf: string;
  now: number;
  /** The legal calendar's zone (the brand's takedown policy): the clocks show it before UTC. */
  timeZone?: string;
  flash?: string;
  refusal?: CaseRefusal;
  me: string;
}): SafeHtml {
  const t = opts.takedown;
  const clocks = clocksOf(t, t.preservations, opts.now);
  const mark = caseMark(t, opts.now);
  const action = (name: DeskActionName) => actionForm(name, t, opts.csrf, opts.me, opts.refusal?.action === name ? opts.refusal : undefined);
  return html`<p><a href="/desk">← Queue</a></p>
<h1>Takedown <code>${t.id}</code></h1>
${flashBox(opts.flash)}
${opts.refusal ? errorBox(`Refused (${opts.refusal.status}): ${opts.refusal.detail}`, opts.refusal.errors) : ''}
<div class="card">
  <dl class="facts">
    <dt>State</dt><dd><span class="badge state" id="case-state">${stateLabel(t.state)}</span> ${markBadge(mark)}</dd>
    <dt>Next</dt><dd id="case-next">${nextStep(t)}</dd>
    <dt>Regime</dt><dd>${t.regimes.join(' + ')} · ${t.tier} tier</dd>
    <dt>Legal basis</dt><dd>${t.legalBasis.replace(/_/g, ' ')}</dd>
    <dt>Reviewer</dt><dd id="case-reviewer">${t.reviewer ?? 'unassigned'}</dd>
    <dt>Received</dt><dd>${time(t.receivedAt, opts.now)} via ${t.channel}</dd>
    <dt>Brand</dt><dd>${t.brand}</dd>
  </dl>
</div>
<div class="grid">
<div>
  <section class="card" aria-labelledby="h-clocks">
    <h2 id="h-clocks">Clocks</h2>
    ${clocks.length === 0
      ? html`<p>No clock runs on this case now.</p>`
      : html`<div class="table-wrap"><table><thead><tr><th scope="col">Clock</th><th scope="col">When</th><th scope="col">Status</th></tr></thead><tbody>${clocks.map(
          (c) => html`<tr><td><strong>${c.name}</strong><br><span class="muted">${c.meaning}</span></td><td>${time(c.at, opts.now, opts.timeZone)}${c.atRiskAt ? html`<br><span class="muted">at risk from ${zoned(c.atRiskAt, opts.timeZone)}</span>` : ''}</td><td>${markBadge(c.mark)}</td></tr>`,
        )}</tbody></table></div>`}
  </section>

  <section class="card actions" aria-labelledby="h-next">
    <h2 id="h-next">Next actions</h2>
    ${opts.offered.length === 0 ? html`<p>The case’s state allows no action but a note.</p>` : ''}
    ${opts.offered.map(action)}
  </section>

  <section class="card" aria-labelledby="h-history">
    <h2 id="h-history">History</h2>
    <div class="table-wrap"><table id="history"><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Who</th><th scope="col">Details</th></tr></thead><tbody>
    ${opts.history.map((e) => html`<tr><td class="when">${utc(e.occurredAt)}</td><td>${e.type.replace(/_/g, ' ')}</td><td>${e.actor}</td><td class="muted">${summary(e.data)}</td></tr>`)}
    </tbody></table></div>
  </section>
</div>
<div>
  <section class="card" aria-labelledby="h-notice">
    <h2 id="h-notice">Notice</h2>
    <h3>Notifier</h3>
    ${t.notifier
      ? html`<dl class="facts">
      <dt>Name</dt><dd>${t.notifier.name ?? '—'}</dd>
      <dt>E-mail</dt><dd>${t.notifier.email ?? '—'}</dd>
      ${(t.notifier as { organisation?: string }).organisation ? html`<dt>Organisation</dt><dd>${(t.notifier as { organisation?: string }).organisation}</dd>` : ''}
      <dt>Role</dt><dd>${t.notifierRole.replace(/_/g, ' ')}${t.roleVerified ? ' (verified)' : ''}</dd>
    </dl>`
      : html`<p class="muted">Not recorded.</p>`}
    <h3>Items (${t.items.length})</h3>
    <ul>${t.items.map((i) => html`<li>${i.contentId ? html`<code>${i.contentId}</code> ` : ''}${i.url ? html`<span class="muted">${i.url}</span>` : ''}</li>`)}</ul>
    <h3>Jurisdictions claimed</h3><p>${t.claimedJurisdictions.join(', ')}</p>
    <h3>Intake</h3>
    <ul>${t.intake.assessments.map((a) => html`<li><strong>${a.regime}</strong>: ${a.verdict.replace(/_/g, ' ')} — ${a.reason}${a.missing.length ? html` (missing: ${a.missing.join(', ')})` : ''}</li>`)}</ul>
    <h3>Measures possible</h3>
    <ul>${t.possibleMeasures.map((m) => html`<li>${m.kind.replace(/_/g, ' ')}${m.kind === 'geo_restriction' ? html` in ${m.countries.join(', ')}` : ''}</li>`)}</ul>
  </section>

  ${t.decision
    ? html`<section class="card" aria-labelledby="h-decision"><h2 id="h-decision">Decision</h2><dl class="facts">
    <dt>Outcome</dt><dd>${t.decision.outcome.replace(/_/g, ' ')} (${t.decision.measure.kind.replace(/_/g, ' ')}${t.decision.measure.kind === 'geo_restriction' ? html` in ${t.decision.measure.countries.join(', ')}` : ''})</dd>
    <dt>Ground</dt><dd>${t.decision.ground.kind}: ${t.decision.ground.reference}</dd>
    <dt>Facts</dt><dd>${t.decision.facts}</dd>
    <dt>By</dt><dd>${t.decision.by} at ${utc(t.decidedAt)}</dd>
    </dl></section>`
    : ''}

  <section class="card" aria-labelledby="h-effects">
    <h2 id="h-effects">Content actions and messages sent</h2>
    <h3>Content actions</h3>
    ${t.contentActions.length ? html`<ul>${t.contentActions.map((a) => html`<li>${a.action.replace(/_/g, ' ')} · ${a.items} item(s)${a.countries ? html` in ${a.countries.join(', ')}` : ''} · ${utc(a.at)}</li>`)}</ul>` : html`<p class="muted">None yet.</p>`}
    <h3>Messages sent${t.communicationsTotal && t.communicationsTotal > t.communications.length ? html` (latest ${t.communications.length} of ${t.communicationsTotal})` : ''}</h3>
    ${t.communications.length ? html`<ul id="messages">${t.communications.map((c) => html`<li>${c.kind.replace(/_/g, ' ')} → ${c.recipient} · ${utc(c.at)}</li>`)}</ul>` : html`<p class="muted">None yet.</p>`}
  </section>

  <section class="card" aria-labelledby="h-notes">
    <h2 id="h-notes">Notes${t.notesTotal ? html` (${t.notesTotal})` : ''}</h2>
    ${t.notes?.length ? html`<ul>${t.notes.map((n) => html`<li><strong>${n.actor}</strong>, ${utc(n.at)}: ${n.text}${n.truncated ? '…' : ''}</li>`)}</ul>` : html`<p class="muted">No notes.</p>`}
    ${actionForm('note', t, opts.csrf, opts.me, opts.refusal?.action === 'note' ? opts.refusal : undefined, true)}
  </section>

  <section class="card actions" aria-labelledby="h-holds">
    <h2 id="h-holds">Preservation holds</h2>
    ${t.preservations.length
      ? html`<ul>${t.preservations.map(
          (p) => html`<li><strong>${p.authority}</strong> (${p.reference}) · ${stateLabel(String(p.state))} · ${p.items.length} item(s) · expires ${utc(p.expiresAt)}${p.extension ? ' · extended' : ''}
          ${p.state !== 'released' && !p.extension ? extendForm(t.id, p.id, opts.csrf, opts.refusal?.action === 'extend-preservation' ? opts.refusal : undefined) : ''}</li>`,
        )}</ul>`
      : html`<p class="muted">None.</p>`}
    ${actionForm('preserve', t, opts.csrf, opts.me, opts.refusal?.action === 'preserve' ? opts.refusal : undefined)}
  </section>
</div>
</div>`;
}

/** A history entry's data in a line: its scalar fields (the full record is at /v1/takedowns/{id}/history). */
function summary(data: unknown): string {
  if (data === null || typeof data !== 'object') return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') parts.push(`${k}: ${String(v)}`);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) parts.push(`${k}: ${v.join(', ')}`);
  }
  const line = parts.join(' · ');
  return line.length > 240 ? `${line.slice(0, 239)}…` : line;
}

// ---- the forms -----------------------------------------------------------------------------------

type Form = Record<string, unknown>;
const value = (form: Form | undefined, ...path: string[]): string => {
  let v: unknown = form;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Form)[p] : undefined;
  return typeof v === 'string' ? v : '';
};

function fieldHelpers(name: DeskActionName, refusal: CaseRefusal | undefined) {
  const id = (field: string) => `${name}-${field.replace(/[^a-zA-Z0-9]+/g, '-')}`;
  const invalid = (field: string) => (refusal?.errors.some((e) => e.field === field || e.field.startsWith(`${field}.`)) ? html` aria-invalid="true"` : '');
  const input = (field: string, formName: string, label: string, opts: { hint?: string; required?: boolean; path?: string[]; placeholder?: string } = {}) =>
    html`<label for="${id(field)}">${label}${opts.hint ? html` <span class="hint">${opts.hint}</span>` : ''}</label>
<input id="${id(field)}" name="${formName}" type="text" value="${value(refusal?.form, ...(opts.path ?? [formName]))}"${opts.required ? html` required` : ''}${opts.placeholder ? html` placeholder="${opts.placeholder}"` : ''}${invalid(field)}>`;
  const area = (field: string, formName: string, label: string, opts: { hint?: string; required?: boolean; path?: string[] } = {}) =>
    html`<label for="${id(field)}">${label}${opts.hint ? html` <span class="hint">${opts.hint}</span>` : ''}</label>
<textarea id="${id(field)}" name="${formName}"${opts.required ? html` required` : ''}${invalid(field)}>${value(refusal?.form, ...(opts.path ?? [formName]))}</textarea>`;
  const select = (field: string, formName: string, label: string, options: readonly string[], opts: { path?: string[] } = {}) => {
    const chosen = value(refusal?.form, ...(opts.path ?? [formName]));
    return html`<label for="${id(field)}">${label}</label>
<select id="${id(field)}" name="${formName}"${invalid(field)}>${options.map((o) => html`<option value="${o}"${chosen === o ? html` selected` : ''}>${o.replace(/_/g, ' ')}</option>`)}</select>`;
  };
  const check = (field: string, label: string) =>
    html`<label class="check" for="${id(field)}"><input id="${id(field)}" name="${field}" type="checkbox" value="true"${value(refusal?.form, field) ? html` checked` : ''}${invalid(field)}> ${label}</label>`;
  return { input, area, select, check };
}

function actionForm(name: DeskActionName, t: TakedownCaseRead, csrf: string, me: string, refusal: CaseRefusal | undefined, open = false): SafeHtml {
  const { input, area, select, check } = fieldHelpers(name, refusal);
  const def = DESK_ACTIONS[name];
  const fields: Record<DeskActionName, () => SafeHtml> = {
    assign: () => html`<label for="assign-reviewer">Reviewer</label><input id="assign-reviewer" name="reviewer" type="text" value="${value(refusal?.form, 'reviewer') || t.reviewer || me}" required${refusal ? html` aria-invalid="true"` : ''}>`,
    'request-info': () => html`${input('missing', 'missing', 'Missing notice fields', { hint: 'Dotted names, separated by commas: statements.goodFaith, statements.signature', required: true })}${area('message', 'message', 'Message to the notifier (optional)')}`,
    'info-received': () => area('note', 'note', 'What was received (optional)'),
    decide: () => html`${select('outcome', 'outcome', 'Outcome', DECISION_OUTCOMES)}
${input('territorialScope', 'territorialScope', 'Territorial scope', { hint: `Country codes, for a restriction: ${t.possibleMeasures.flatMap((m) => (m.kind === 'geo_restriction' ? m.countries : [])).join(', ') || 'none claimed'}`, placeholder: 'DE, FR' })}
<fieldset><legend>Ground (not for no action)</legend>
${select('ground', 'ground[kind]', 'Kind of ground', ['legal', 'contractual'], { path: ['ground', 'kind'] })}
${input('ground.reference', 'ground[reference]', 'Law or terms clause relied on', { path: ['ground', 'reference'], placeholder: '17 U.S.C. §106(3)' })}
${area('ground.explanation', 'ground[explanation]', 'Why the content is illegal or incompatible', { path: ['ground', 'explanation'] })}
</fieldset>
${area('explanation', 'explanation', 'Facts and circumstances relied on', { required: true, hint: 'Goes into the statement of reasons (DSA Art. 17(3)(b)).' })}
${check('automatedDetection', 'Detected by automated means')}
${select('automatedDecision', 'automatedDecision', 'Automated decision', ['not_automated', 'partially', 'fully'])}
${input('endsAt', 'endsAt', 'Temporary: ends at (optional)', { hint: 'ISO date-time, e.g. 2027-06-01T00:00:00Z; empty = indefinite' })}`,
    apply: () => input('authorityInformed', 'authorityInformed', 'Authority informed (escalate to safety only)', { hint: 'DSA Art. 18' }),
    close: () => html`<p class="muted">Closes the case; counter-notices and complaints may still come.</p>`,
    'counter-notice': () => html`${input('signature', 'signature', 'Signature', { required: true, hint: '§512(g)(3)(A)' })}
${area('materialIdentification', 'materialIdentification', 'Material removed and where it appeared', { required: true, hint: '§512(g)(3)(B)' })}
${check('goodFaithUnderPenaltyOfPerjury', 'Good-faith belief of mistake, under penalty of perjury (§512(g)(3)(C))')}
${check('consentToJurisdiction', 'Consents to the federal district court’s jurisdiction (§512(g)(3)(D))')}
<fieldset><legend>Subscriber (§512(g)(3)(D)) — forwarded to the notifier only</legend>
${input('subscriber.name', 'subscriber[name]', 'Name', { path: ['subscriber', 'name'], required: true })}
${input('subscriber.address', 'subscriber[address]', 'Address', { path: ['subscriber', 'address'], required: true })}
${input('subscriber.phone', 'subscriber[phone]', 'Telephone', { path: ['subscriber', 'phone'], required: true })}
</fieldset>`,
    'suit-filed': () => input('court', 'court', 'Court and case number (optional)'),
    complaint: () => html`${select('by', 'by', 'Complainant', ['notifier', 'uploader'])}${area('grounds', 'grounds', 'Grounds', { required: true })}`,
    uphold: () => area('reasons', 'reasons', 'Reasons (sent to the complainant)', { required: true }),
    reverse: () => area('reasons', 'reasons', 'Reasons (sent to the complainant)', { required: true }),
    note: () => area('text', 'text', 'Note', { required: true, hint: 'Internal: never sent to the notifier or uploader.' }),
    preserve: () => html`${input('authority', 'authority', 'Requesting authority', { required: true })}${input('reference', 'reference', 'Authority’s reference', { required: true })}${area('items', 'items', 'Items to preserve', { required: true, hint: 'One per line: a content ID or an http(s) URL' })}`,
    'extend-preservation': () => html``,
  };
  const form = html`<form method="post" action="/desk/takedowns/${encodeURIComponent(t.id)}/actions/${name}" data-action="${name}">
${csrfField(csrf)}
${fields[name]()}
<button type="submit">${def.label}</button>
</form>`;
  return html`<details${open || refusal ? html` open` : ''} id="action-${name}"><summary>${def.label}</summary>${form}</details>`;
}

function extendForm(caseId: string, holdId: string, csrf: string, refusal: CaseRefusal | undefined): SafeHtml {
  return html`<form method="post" action="/desk/takedowns/${encodeURIComponent(caseId)}/actions/extend-preservation">
${csrfField(csrf)}<input type="hidden" name="holdId" value="${holdId}">
<label for="extend-${holdId}">Renewed request’s reference (optional)</label>
<input id="extend-${holdId}" name="reference" type="text" value="${value(refusal?.form, 'reference')}">
<button type="submit" class="secondary">Extend this hold</button>
</form>`;
}

// ---- transparency -------------------------------------------------------------------------------

export function transparencyBody(opts: { report: TransparencyReport | null; year: number; years: number[]; desk: boolean; errors?: FieldError[] }): SafeHtml {
  const base = opts.desk ? '/desk/transparency' : '/transparency';
  const r = opts.report;
  const rows: SafeHtml[] = [];
  if (r) {
    for (const [section, v] of Object.entries(r)) {
      if (section === 'source' || section === 'generatedAt' || section === 'year') continue;
      if (v !== null && typeof v === 'object') {
        for (const [key, n] of Object.entries(v as Record<string, unknown>)) rows.push(html`<tr><th scope="row">${humanise(section)}</th><td>${key.replace(/_/g, ' ')}</td><td>${String(n ?? '—')}</td></tr>`);
      } else {
        rows.push(html`<tr><th scope="row">${humanise(section)}</th><td></td><td>${v === null || v === undefined ? '—' : String(v)}</td></tr>`);
      }
    }
  }
  return html`<h1>${opts.desk ? 'Transparency report' : 'Public transparency report'} ${opts.year}</h1>
${opts.errors?.length ? errorBox('Not a valid year:', opts.errors) : ''}
<form class="card filters" method="get" action="${base}">
  <div><label for="t-year">Year</label><input id="t-year" name="year" type="number" min="2000" max="2100" value="${String(opts.year)}"></div>
  <div><button type="submit">Show</button></div>
  ${opts.desk && r ? html`<div><a class="button" href="/desk/transparency?year=${String(opts.year)}&amp;format=csv" download>Download CSV</a></div>` : ''}
</form>
${opts.years.length ? html`<p>Published years: ${opts.years.map((y, i) => html`${i ? ', ' : ''}<a href="${base}?year=${String(y)}">${String(y)}</a>`)}</p>` : ''}
${r
  ? html`<p class="muted">${r.source === 'snapshot' ? `Published ${utc(r.generatedAt)}.` : `Computed now (${utc(r.generatedAt)}); not yet published.`} Notices received in ${opts.year} (UTC), as each case stands.</p>
<div class="table-wrap"><table id="report"><thead><tr><th scope="col">Figure</th><th scope="col">Breakdown</th><th scope="col">Value</th></tr></thead><tbody>${rows}</tbody></table></div>`
  : html`<p>No report has been published for ${opts.year} yet.</p>`}`;
}

const humanise = (s: string) => s.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());

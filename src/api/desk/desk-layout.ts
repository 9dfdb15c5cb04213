import type { Response } from 'express';
import { randomBytes } from 'node:crypto';
import { html, raw, SafeHtml } from './html';

/**
 * The desk's page frame: one stylesheet and one small script, both inline under a per-response
 * nonce, so the Content-Security-Policy can forbid every other script, style, frame and form target.
 * Colours meet WCAG AA contrast (4.5:1 for text); focus is always visible; the layout reflows
 * from 1280 px wide down to a tablet (768 px) and below.
 */
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f6f7f9}
a{color:#0b4fb3}
a:hover{color:#083a85}
:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
header.top{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;justify-content:space-between;background:#14213d;color:#fff;padding:.6rem 1.25rem}
header.top a{color:#fff}
header.top nav{display:flex;gap:1rem;flex-wrap:wrap;align-items:center}
header.top form{margin:0}
.skip{position:absolute;left:-999px}
.skip:focus{left:1rem;top:.5rem;background:#fff;color:#14213d;padding:.25rem .5rem;z-index:2}
main{max-width:1240px;margin:0 auto;padding:1rem 1.25rem 3rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem;overflow-wrap:anywhere}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
h3{font-size:1.05rem;margin:1rem 0 .4rem}
.card{background:#fff;border:1px solid #d0d5dd;border-radius:6px;padding:1rem;margin-bottom:1rem}
.grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1rem}
@media (max-width:1000px){.grid{grid-template-columns:minmax(0,1fr)}}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #d0d5dd;vertical-align:top}
th{background:#eef1f5;font-weight:600}
tr.overdue td:first-child{border-left:4px solid #b00020}
tr.at-risk td:first-child{border-left:4px solid #a15c00}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.85rem;font-weight:600;white-space:nowrap}
.badge.overdue{background:#b00020;color:#fff}
.badge.at-risk{background:#ffe8a3;color:#4a3000}
.badge.on-track{background:#e3f4e8;color:#0d5223}
.badge.neutral{background:#e6e9ef;color:#1a1a1a}
.badge.state{background:#e0e9ff;color:#0b2a66}
label{display:block;font-weight:600;margin:.5rem 0 .2rem}
.hint{display:block;font-weight:400;color:#4a5160;font-size:.9rem}
input[type=text],input[type=password],input[type=search],input[type=number],select,textarea{width:100%;max-width:36rem;font:inherit;padding:.4rem .5rem;border:1px solid #6b7280;border-radius:4px;background:#fff;color:#1a1a1a}
textarea{min-height:4.5rem}
.check{display:flex;gap:.5rem;align-items:flex-start;font-weight:400}
.check input{margin-top:.35rem}
fieldset{border:1px solid #d0d5dd;border-radius:6px;margin:.5rem 0;padding:.5rem 1rem 1rem}
legend{font-weight:700;padding:0 .25rem}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.45rem 1rem;margin-top:.75rem;border-radius:4px;border:1px solid #0b4fb3;background:#0b4fb3;color:#fff;cursor:pointer;text-decoration:none}
button.secondary{background:#fff;color:#0b4fb3}
header.top button{margin:0;background:transparent;border-color:#fff;color:#fff}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end}
.filters label{margin:0}
.filters select,.filters input[type=text],.filters input[type=search],.filters input[type=number]{min-width:10rem}
.filters .check{padding-bottom:.45rem}
td.when{white-space:nowrap}
.flash{border-left:5px solid #0d5223;background:#e3f4e8;padding:.6rem 1rem;margin-bottom:1rem}
.error{border-left:5px solid #b00020;background:#fdecee;padding:.6rem 1rem;margin-bottom:1rem}
.error ul{margin:.25rem 0 0}
[aria-invalid=true]{border-color:#b00020;border-width:2px}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.25rem 1rem;margin:0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0;overflow-wrap:anywhere}
.actions details{border:1px solid #d0d5dd;border-radius:6px;margin:.5rem 0;background:#fff}
.actions summary{cursor:pointer;padding:.5rem .75rem;font-weight:600}
.actions details form{padding:0 .75rem .75rem}
code{overflow-wrap:anywhere}
.muted{color:#4a5160}
`;

/**
 * Progressive enhancement only: times shown with "in 3 h" / "5 min ago" keep counting while the
 * page is open. Without it the server's figures at render time stand.
 */
const SCRIPT = `
(function(){
  function rel(ms){var a=Math.abs(ms),m=Math.round(a/60000),t=m<1?'under a minute':m<120?m+' min':Math.round(m/60)<48?Math.round(m/60)+' h':Math.round(m/1440)+' days';return ms>=0?'in '+t:t+' ago';}
  function tick(){var els=document.querySelectorAll('[data-rel]');for(var i=0;i<els.length;i++){var at=Date.parse(els[i].getAttribute('data-rel'));if(!isNaN(at))els[i].textContent='('+rel(at-Date.now())+')';}}
  setInterval(tick,30000);
})();
`;

export interface PageOptions {
  title: string;
  /** The signed-in person (absent on the sign-in page and the public report). */
  user?: { name: string; csrf: string };
  body: SafeHtml;
  status?: number;
  /** A desk path to go on to at once (meta refresh): a same-site navigation, so the SameSite=Strict session cookie goes with it. */
  refreshTo?: string;
}

/** A strict policy: only this response's nonce runs or styles; nothing may frame the desk or receive its forms. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "img-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function sendPage(res: Response, page: PageOptions): void {
  const nonce = randomBytes(16).toString('base64');
  res.status(page.status ?? 200);
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(nonce));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  // Case pages carry a notifier's personal data: never kept by a browser or a proxy cache.
  res.setHeader('Cache-Control', 'no-store');
  res.type('html').send(layout(page, nonce).value);
}

function layout(page: PageOptions, nonce: string): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${page.refreshTo ? html`<meta http-equiv="refresh" content="0;url=${page.refreshTo}">` : ''}
<title>${page.title} · Caseworks legal desk</title>
<style nonce="${nonce}">${raw(STYLE)}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <strong>Caseworks · legal desk</strong>
  ${page.user
    ? html`<nav aria-label="Desk">
    <a href="/desk">Queue</a>
    <a href="/desk/transparency">Transparency report</a>
    <span>Signed in as <strong>${page.user.name}</strong></span>
    <form method="post" action="/desk/sign-out"><input type="hidden" name="_csrf" value="${page.user.csrf}"><button type="submit">Sign out</button></form>
  </nav>`
    : html`<nav aria-label="Site"><a href="/transparency">Public transparency report</a></nav>`}
</header>
<main id="main">
${page.body}
</main>
<script nonce="${nonce}">${raw(SCRIPT)}</script>
</body>
</html>`;
}

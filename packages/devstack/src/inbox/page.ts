import type { InboxMessage } from './store.js';

/** `2026-12-07 17:37:56 UTC`: unambiguous whatever the reader's locale. */
function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f}
header{padding:.8rem 1.2rem;background:#f5f5f7;border-bottom:1px solid #ddd}
h1{font-size:1.1rem;margin:0}main{padding:1rem 1.2rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #eee;vertical-align:top}
th{font-weight:600;color:#555}a{color:#0b5cad}.muted{color:#777}
iframe{width:100%;height:16rem;border:1px solid #ddd;border-radius:4px}pre{white-space:pre-wrap;background:#f7f7f7;padding:.8rem;border-radius:4px}`;

function layout(title: string, body: string, refresh = false): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
${refresh ? '<meta http-equiv="refresh" content="3">' : ''}<style>${STYLE}</style></head>
<body><header><h1><a href="/inbox">Inbox</a> · local e-mails of the Sightline devstack</h1></header><main>${body}</main></body></html>`;
}

/** The list of messages, newest first; reloads itself every few seconds. */
export function listPage(messages: InboxMessage[]): string {
  const rows = messages
    .map(
      (m) => `<tr><td class="muted">${escape(when(m.created_at))}</td>
<td>${escape(m.to.join(', '))}</td><td><a href="/inbox/messages/${m.id}">${escape(m.subject)}</a></td>
<td class="muted">${escape(m.from)}</td></tr>`,
    )
    .join('\n');
  const body = messages.length
    ? `<table><thead><tr><th>Received</th><th>To</th><th>Subject</th><th>From</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p class="muted">No messages yet. Sign-up confirmations, magic links and codes sent by Auth appear here.</p>';
  return layout('Inbox', body, true);
}

/** One message: headers, the HTML body in a sandboxed frame (links open a new tab), the text. */
export function messagePage(m: InboxMessage): string {
  const html = m.html
    ? `<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="${escape(`<base target="_blank">${m.html}`)}"></iframe>`
    : '';
  const text = m.text ? `<h3>Text</h3><pre>${escape(m.text)}</pre>` : '';
  const field = (name: string, value: string): string =>
    value ? `<tr><th>${name}</th><td>${escape(value)}</td></tr>` : '';
  return layout(
    m.subject,
    `<table>${field('Subject', m.subject)}${field('From', m.from)}${field('To', m.to.join(', '))}${field('Cc', m.cc.join(', '))}${field('Received', when(m.created_at))}</table>
<p class="muted"><a href="/inbox/api/messages/${m.id}">JSON</a></p>${html}${text}`,
  );
}

import type { OutboxSms } from './sms-outbox.js';
import { escapeHtml } from '../functions/shared/html.js';


const style = `<style>body{font:16px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;margin:24px;max-width:60em;color:#1b1b1b}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:6px;text-align:left;vertical-align:top}
code{background:#f3f3f3;padding:1px 4px;border-radius:3px}</style>`;

export function landingPage(base: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>一刻钟 Care Dispatch（本地）</title>${style}</head><body>
<h1>一刻钟 Care Dispatch · 本地平台 / local platform</h1>
<ul>
<li><a href="/catalog/services">/catalog/services</a> — 20 项上门服务 / the 20 services</li>
<li><a href="/openapi.json">/openapi.json</a> — API 描述 / API description</li>
<li><a href="/dev/sms">/dev/sms</a> — 短信发件箱 / SMS outbox</li>
<li><a href="/dev/clock">/dev/clock</a> — 平台时间 / platform clock</li>
</ul>
<p>登录 / sign in: <code>curl -X POST ${escapeHtml(base)}/auth/dev-token -H 'content-type: application/json' -d '{"role":"center","orgId":"ctr-xinhua-hub"}'</code></p>
</body></html>`;
}

export function smsOutboxPage(items: OutboxSms[]): string {
  const linkify = (text: string) => escapeHtml(text).replace(/(https?:\/\/[^\s，]+)/g, '<a href="$1">$1</a>');
  const rows = items
    .map((m) => `<tr><td>${escapeHtml(m.sentAt)}</td><td>${escapeHtml(m.to)}</td><td>${linkify(m.text)}</td><td>${escapeHtml(m.visitId ?? '')}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>短信发件箱 SMS outbox</title>${style}</head><body>
<h1>短信发件箱 / SMS outbox</h1><p>最新在前 / newest first · <a href="/dev/sms">刷新 / refresh</a></p>
<table><thead><tr><th>发送时间 sent</th><th>收件人 to</th><th>内容 text</th><th>visit</th></tr></thead><tbody>${rows || '<tr><td colspan="4">（空 / empty）</td></tr>'}</tbody></table>
</body></html>`;
}

import { escapeHtml } from '../shared/html.js';

/**
 * The printable card a centre fixes by the elder's door. It carries the door
 * code (as text and as a QR code, for phones that scan) and nothing about
 * the elder: it hangs where anyone can read it.
 */
export async function doorCardPage(doorCode: string): Promise<string> {
  // Loaded on demand, as on the verify page: only card printing pays for the QR encoder.
  const { default: QRCode } = await import('qrcode');
  const svg = await QRCode.toString(doorCode, { type: 'svg', errorCorrectionLevel: 'M', margin: 1, width: 220 });
  const spaced = `${doorCode.slice(0, 4)} ${doorCode.slice(4)}`;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>上门服务门牌码 · Door card</title><style>
body{font:18px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;margin:24px}.card{border:2px solid #1b1b1b;border-radius:12px;padding:24px;max-width:320px;text-align:center}
.code{font:700 36px/1.2 ui-monospace,monospace;letter-spacing:4px}@media print{body{margin:0}}
</style></head><body><div class="card"><h1>一刻钟上门服务 门牌码</h1>${svg}<p class="code">${escapeHtml(spaced)}</p>
<p>护理员签到、签退时如无法定位，请输入此码。<br>Caregivers: enter this code to check in or out when GPS fails.</p></div></body></html>`;
}

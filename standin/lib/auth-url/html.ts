// The hosted pages are plain HTML built on the server: no script, no styles
// from elsewhere. Every value put into a page goes through `html`, which
// escapes it, so user data (names, emails, a return URL) cannot become markup.

/** Markup that is already safe to put into a page as is. */
export class SafeHtml {
  constructor (readonly markup: string) {}
  toString (): string { return this.markup }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char])
}

type Value = SafeHtml | string | number | undefined | null | false | readonly Value[]

function render (value: Value): string {
  if (value === undefined || value === null || value === false) return ''
  if (value instanceof SafeHtml) return value.markup
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(String(value))
}

/** A template tag: `html\`<p>${name}</p>\`` escapes `name`; nested `html` results and lists are kept as markup. */
export function html (strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0]
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]
  return new SafeHtml(out)
}

const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1d1d1f}' +
  'label{display:block;margin-top:1rem;font-weight:600}input{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}' +
  'button{margin-top:1.25rem;padding:.5rem 1.25rem;font:inherit;cursor:pointer}' +
  '.message{padding:.75rem 1rem;border-radius:.4rem;background:#fdecea;color:#8a1c12}' +
  '.note{color:#555;font-size:.9rem}table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #ddd}'

/** A whole page: title, an optional message (shown with `role="alert"`), then the content. */
export function page (title: string, content: SafeHtml, message?: string): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · PropelAuth stand-in</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<main>
<h1>${title}</h1>
${message === undefined ? '' : html`<p class="message" role="alert">${message}</p>`}
${content}
<p class="note">A local PropelAuth stand-in, for development and tests.</p>
</main>
</body>
</html>
`.markup
}

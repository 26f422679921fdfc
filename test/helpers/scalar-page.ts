import type { Page } from 'playwright-core'

// Driving Scalar's API reference (@scalar/fastify-api-reference) in Chromium:
// what the browser tests of docs/openapi.md's Scalar recipe need.

const LOOPBACK: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * Keeps the page on this machine: Scalar's page asks for its fonts from
 * Scalar's CDN unless told not to, and this machine has no network. Requests
 * elsewhere are aborted in the browser, before they leave; their URLs are returned.
 */
export async function keepOnLoopback (page: Page): Promise<string[]> {
  const blocked: string[] = []
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url())
    if (LOOPBACK.has(url.hostname)) return await route.continue()
    blocked.push(url.origin)
    return await route.abort()
  })
  return blocked
}

/**
 * In Scalar's API client for `METHOD path` (opened with the operation's Test
 * Request button when it is not open yet): Send, and the status and body the
 * page shows once the answer came.
 */
export async function sendFromScalar (page: Page, method: string, path: string): Promise<{ status: string, body: string }> {
  const send = page.locator('button[data-addressbar-action="send"]:visible')
  if (await send.count() === 0) {
    await page.locator('button.show-api-client-button', { hasText: `${method.toLowerCase()} ${path}` }).click()
  }
  const [response] = await Promise.all([
    page.waitForResponse((candidate) => new URL(candidate.url()).pathname === path && candidate.request().method() === method.toUpperCase()),
    send.click()
  ])
  const panel = page.locator('section[aria-label="Response"]')
  // The status link shows the new answer once it is rendered (the previous one may still be there).
  const status = panel.locator('a[href*="/Status/"]', { hasText: new RegExp(`^${response.status()}\\b`) })
  await status.waitFor()
  return {
    status: ((await status.textContent()) ?? '').trim(),
    body: (await panel.locator('.cm-content').first().textContent()) ?? ''
  }
}

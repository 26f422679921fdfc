import type { FastifyReply, FastifyRequest } from 'fastify'

// What a browser sees when a sign-in cannot go on: a short page that says why
// and links to a fresh sign-in, instead of JSON it cannot act on. Programs (an
// `Accept` without text/html) get the usual JSON error body.

export function wantsPage (request: FastifyRequest): boolean {
  const accept = request.headers.accept
  return typeof accept === 'string' && accept.includes('text/html')
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** Sends `error` as a page with a link to `signInPath`, or as JSON to programs. */
export function sendSignInProblem (request: FastifyRequest, reply: FastifyReply, error: Error & { statusCode: number, code: string }, signInPath: string): FastifyReply {
  const status = error.statusCode
  if (!wantsPage(request)) return reply.code(status).send(error)
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in problem</title></head><body>' +
    `<h1>Sign-in problem</h1><p>${escape(error.message)}</p><p><code>${escape(error.code)}</code></p>` +
    `<p><a href="${escape(signInPath)}">Sign in again</a></p></body></html>`
  )
}

import type { FastifyError, FastifyInstance } from 'fastify'
import { FieldErrorsException } from '../index.js'

// Routes that call PropelAuth's backend API through the plugin (`app.auth.*`):
// an org's admins list its members, members who may invite do so, and those
// who manage API keys create one for the org, which then opens /api/v1/org.
// With `npm start` they run against the stand-in, so the changes they make show
// up in the next tokens it mints.

const orgParams = {
  type: 'object',
  properties: { orgId: { type: 'string', format: 'uuid' } },
  required: ['orgId']
} as const

const fieldErrors = {
  description: 'PropelAuth refused the request: `fieldErrors` says which fields and why',
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    message: { type: 'string' },
    fieldErrors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } }
  }
} as const

interface OrgRoute { Params: { orgId: string } }

export async function apiRoutes (app: FastifyInstance): Promise<void> {
  // PropelAuth's 400s (a bad email, an unknown role, an existing member…) become
  // 400s of this API, with PropelAuth's field errors; anything else is a 500.
  app.setErrorHandler(async (error: FastifyError, _request, reply) => {
    if (error instanceof FieldErrorsException) {
      return await reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: 'PropelAuth refused the request', fieldErrors: error.fieldToErrors })
    }
    throw error
  })

  app.get<OrgRoute & { Querystring: { page?: number } }>('/api/org/:orgId/members', {
    onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin'),
    schema: {
      description: "The org's members with their roles, 20 a page (org admins and owners only).",
      params: orgParams,
      querystring: { type: 'object', properties: { page: { type: 'integer', minimum: 0, default: 0 } } },
      response: {
        200: {
          type: 'object',
          properties: {
            members: {
              type: 'array',
              items: {
                type: 'object',
                properties: { userId: { type: 'string' }, email: { type: 'string' }, firstName: { type: 'string' }, lastName: { type: 'string' }, role: { type: 'string' } }
              }
            },
            totalMembers: { type: 'integer' },
            hasMore: { type: 'boolean' }
          }
        }
      }
    }
  }, async (request) => {
    const page = await app.auth.fetchUsersInOrg({ orgId: request.params.orgId, pageSize: 20, pageNumber: request.query.page ?? 0 })
    return {
      members: page.users.map((user) => ({ userId: user.userId, email: user.email, firstName: user.firstName, lastName: user.lastName, role: user.roleInOrg })),
      totalMembers: page.totalUsers,
      hasMore: page.hasMoreResults
    }
  })

  app.post<OrgRoute & { Body: { email: string, role: string } }>('/api/org/:orgId/invite', {
    onRequest: app.auth.requireOrgMemberWithPermission('can_invite'),
    schema: {
      description: 'Invites someone to the org by email, with a role no higher than your own (needs the can_invite permission).',
      params: orgParams,
      body: {
        type: 'object',
        properties: { email: { type: 'string', format: 'email' }, role: { type: 'string', minLength: 1 } },
        required: ['email', 'role'],
        additionalProperties: false
      },
      response: {
        201: { type: 'object', properties: { invited: { type: 'string' }, role: { type: 'string' } } },
        400: fieldErrors
      }
    }
  }, async (request, reply) => {
    const { email, role } = request.body
    // PropelAuth's own org pages work this way: no one hands out a role above theirs.
    if (!app.auth.org(request).isAtLeastRole(role)) {
      return await reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: `You can invite with your own role or one below it, not ${role}` })
    }
    await app.auth.inviteUserToOrg({ orgId: request.params.orgId, email, role })
    return await reply.code(201).send({ invited: email, role })
  })

  app.post<OrgRoute & { Body: { displayName?: string } }>('/api/org/:orgId/api_keys', {
    onRequest: app.auth.requireOrgMemberWithPermission('can_manage_api_keys'),
    schema: {
      description: 'Creates an API key for the org (needs the can_manage_api_keys permission). The token is shown once: keep it.',
      params: orgParams,
      body: {
        type: 'object',
        properties: { displayName: { type: 'string', maxLength: 100 } },
        additionalProperties: false
      },
      response: {
        201: { type: 'object', properties: { apiKeyId: { type: 'string' }, apiKeyToken: { type: 'string' } } },
        400: fieldErrors
      }
    }
  }, async (request, reply) => {
    const key = await app.auth.createApiKey({
      orgId: request.params.orgId,
      displayName: request.body?.displayName,
      metadata: { createdBy: app.auth.user(request).userId }
    })
    return await reply.code(201).send({ apiKeyId: key.apiKeyId, apiKeyToken: key.apiKeyToken })
  })

  // Called with an org API key (`Authorization: Bearer <apiKeyToken>`), not a token.
  app.get('/api/v1/org', {
    onRequest: app.auth.requireApiKey,
    schema: {
      description: 'The org of the API key this request is made with, and who created the key.',
      response: {
        200: { type: 'object', properties: { orgId: { type: 'string' }, orgName: { type: 'string' }, createdBy: { type: 'string' } } }
      }
    }
  }, async (request) => {
    const metadata = app.auth.getApiKeyValidation(request)?.metadata
    return { orgId: request.org?.orgId, orgName: request.org?.orgName, createdBy: metadata?.createdBy }
  })
}

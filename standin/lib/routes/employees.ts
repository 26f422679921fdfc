import type { FastifyInstance } from 'fastify'
import type { StandInContext } from '../context.js'
import { sendNotFound } from '../http.js'

/** `GET /api/backend/v1/employee/:employeeId`: a PropelAuth employee (see the seed's `employees`). */
export function employeeRoutes (app: FastifyInstance, context: StandInContext): void {
  app.get<{ Params: { employeeId: string } }>('/api/backend/v1/employee/:employeeId', async (request, reply) => {
    const email = context.state.employees.get(request.params.employeeId)
    if (email === undefined) return await sendNotFound(reply, 'Employee')
    return { email }
  })
}

import { camel, failUnlessOk, type Send } from '../sender.js'
import { UserNotFoundException } from '../exceptions.js'
import { isValidId, path } from '../ids.js'
import type { Employee } from '../types.js'

export interface EmployeesApi {
  /** `null` for an unknown employee; an ID that is not a UUID rejects with UserNotFoundException. */
  fetchEmployeeById: (employeeId: string) => Promise<Employee | null>
}

export function employeesApi (send: Send): EmployeesApi {
  return {
    fetchEmployeeById: async (employeeId) => {
      // A rejected promise: the Node library throws this synchronously.
      if (!isValidId(employeeId)) throw new UserNotFoundException()
      const answer = await send('fetchEmployeeById', { method: 'GET', path: '/api/backend/v1/employee' + path`/${employeeId}` })
      if (answer.status === 404) return null
      failUnlessOk(answer)
      return camel(answer)
    }
  }
}

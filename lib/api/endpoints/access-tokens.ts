import { exceptionOf, failUnlessOk, json, notFound, type Send } from '../sender.js'
import { AccessTokenCreationException, UserNotFoundException } from '../exceptions.js'
import { isValidId } from '../ids.js'
import type { AccessToken, CreateAccessTokenRequest } from '../types.js'

export interface AccessTokensApi {
  /**
   * An access token for the user, valid `durationInMinutes`. Rejects with
   * UserNotFoundException for an unknown user (or an ID that is not a UUID: the
   * Node library throws that one synchronously, before returning a promise).
   */
  createAccessToken: (createAccessTokenRequest: CreateAccessTokenRequest) => Promise<AccessToken>
}

export function accessTokensApi (send: Send): AccessTokensApi {
  return {
    createAccessToken: async (request) => {
      if (!isValidId(request.userId)) throw new UserNotFoundException()
      const answer = await send('createAccessToken', {
        method: 'POST',
        path: '/api/backend/v1/access_token',
        body: {
          user_id: request.userId,
          duration_in_minutes: request.durationInMinutes,
          active_org_id: request.activeOrgId
        }
      })
      if (answer.status === 400) throw exceptionOf(AccessTokenCreationException, answer)
      if (answer.status === 403) throw new UserNotFoundException()
      if (answer.status === 404) throw notFound(answer, 'access token creation is not enabled for this project')
      failUnlessOk(answer)
      // Returned as sent (`access_token`), as the Node library returns it.
      return json(answer) as AccessToken
    }
  }
}

import { exceptionOf, failUnlessOk, json, type Send } from '../sender.js'
import { MagicLinkCreationException } from '../exceptions.js'
import type { CreateMagicLinkRequest, MagicLink } from '../types.js'

export interface MagicLinksApi {
  /** 400 → MagicLinkCreationException with `fieldToErrors`. */
  createMagicLink: (createMagicLinkRequest: CreateMagicLinkRequest) => Promise<MagicLink>
}

export function magicLinksApi (send: Send): MagicLinksApi {
  return {
    createMagicLink: async (request) => {
      const answer = await send('createMagicLink', {
        method: 'POST',
        path: '/api/backend/v1/magic_link',
        body: {
          email: request.email,
          redirect_to_url: request.redirectToUrl,
          expires_in_hours: request.expiresInHours,
          create_new_user_if_one_doesnt_exist: request.createNewUserIfOneDoesntExist,
          expire_after_first_use: request.expiresAfterFirstUse,
          requires_interstitial: request.requiresInterstitial,
          user_signup_query_parameters: request.userSignupQueryParameters
        }
      })
      if (answer.status === 400) throw exceptionOf(MagicLinkCreationException, answer)
      failUnlessOk(answer)
      return json(answer) as MagicLink
    }
  }
}

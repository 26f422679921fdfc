// Shared by the stand-in's tests (and the example's): start a stand-in for one test
// and call it with raw fetch, as PropelAuth's Node library does (same headers).
import { createTestKeyPair, type TestKeyPair } from 'fastify-propelauth/testing'
import { startStandIn, type StandIn, type StandInOptions } from '../../index.js'

let keyPair: Promise<TestKeyPair> | undefined

/** One RSA key pair per test file: generating one per stand-in would waste CPU. */
export async function sharedKeyPair (): Promise<TestKeyPair> {
  keyPair ??= createTestKeyPair()
  return await keyPair
}

export interface ApiResponse {
  status: number
  headers: Headers
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: any
}

export interface StandInHarness {
  standIn: StandIn
  /** Calls the backend API with the stand-in's key and `X-Propelauth-url`, as the Node library does. */
  api: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiResponse>
}

interface Teardown { teardown: (fn: () => unknown) => void }

export async function readResponse (response: Response): Promise<ApiResponse> {
  const text = await response.text()
  let body: unknown = text
  try { body = JSON.parse(text) } catch {}
  return { status: response.status, headers: response.headers, body }
}

/** Starts a stand-in (closed when the test ends) and a caller for it. */
export async function harness (t: Teardown, options: StandInOptions = {}): Promise<StandInHarness> {
  const standIn = await startStandIn({ keyPair: await sharedKeyPair(), ...options })
  t.teardown(() => standIn.close())
  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> => {
    const response = await fetch(standIn.apiBaseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${standIn.apiKey}`,
        'x-propelauth-url': new URL(standIn.authUrl).hostname,
        // PropelAuth's Node library sends this on every call, bodyless ones included.
        'content-type': 'application/json',
        ...headers
      },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    return await readResponse(response)
  }
  return { standIn, api }
}

/** Seeded ids of DEFAULT_SEED, for readable tests. */
export const SEEDED = {
  owner: '0e2c9c1a-0000-4000-8000-00000000a0a0',
  admin: '0e2c9c1a-0000-4000-8000-00000000a0a1',
  member: '0e2c9c1a-0000-4000-8000-00000000a0a2',
  outsider: '0e2c9c1a-0000-4000-8000-00000000a0a3',
  acme: '7d3f6b2e-0000-4000-8000-00000000ac00',
  acmeApiKeyId: '5a1e0000000040008000000000ac0001',
  acmeApiKeyToken: 'standin_acme_ci_api_key',
  employee: '0e2c9c1a-0000-4000-8000-0000000e0001'
} as const

/** The seeded Admin's membership of Acme Inc, as PropelAuth describes it (tokens, `include_orgs`, the refresh endpoint). */
export const ADMIN_IN_ACME = {
  org_id: SEEDED.acme,
  org_name: 'Acme Inc',
  url_safe_org_name: 'acme-inc',
  org_metadata: {},
  user_role: 'Admin',
  inherited_user_roles_plus_current_role: ['Admin', 'Member'],
  user_permissions: ['can_view_billing', 'can_manage_api_keys', 'can_invite', 'can_read'],
  org_role_structure: 'single_role_in_hierarchy',
  additional_roles: []
} as const

/** The claims of a JWT, unverified: tests check what the stand-in put in. */
export function claimsOf (token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'))
}

import type { OrgMemberInfo } from '../token/user.js'
import type { ChartMetricCadence, StepUpMfaGrantType } from './enums.js'

// Arguments and results of the backend API, named as in PropelAuth's Node library
// (@propelauth/node re-exports them from @propelauth/node-apis). Results are the
// camelCase shapes that library returns; where its declared type disagreed with
// what it returns (fetchUserMfaMethods, importApiKey), the type here says what is
// returned.

export type Metadata = Record<string, any>

// --- users -----------------------------------------------------------------------

export type OrgIdToOrgMemberInfo = Record<string, OrgMemberInfo>

export interface UserMetadata {
  userId: string
  email: string
  emailConfirmed: boolean
  hasPassword: boolean
  username?: string
  firstName?: string
  lastName?: string
  pictureUrl?: string
  locked: boolean
  enabled: boolean
  mfaEnabled: boolean
  canCreateOrgs: boolean
  /** Epoch seconds. */
  createdAt: number
  /** Epoch seconds. */
  lastActiveAt: number
  /** Present when fetched with `includeOrgs`. */
  orgIdToOrgInfo?: OrgIdToOrgMemberInfo
  legacyUserId?: string
  impersonatorUserId?: string
  metadata?: Metadata
  properties?: Record<string, unknown>
}

export interface UserInOrgMetadata extends UserMetadata {
  roleInOrg: string
  additionalRolesInOrg: string[]
}

export type UsersQueryOrderBy = 'CREATED_AT_ASC' | 'CREATED_AT_DESC' | 'LAST_ACTIVE_AT_ASC' | 'LAST_ACTIVE_AT_DESC' | 'EMAIL' | 'USERNAME'

export interface UsersQuery {
  pageSize?: number | undefined
  pageNumber?: number | undefined
  orderBy?: UsersQueryOrderBy | undefined
  emailOrUsername?: string | undefined
  includeOrgs?: boolean | undefined
  legacyUserId?: string | undefined
}

export interface UsersPagedResponse {
  users: UserMetadata[]
  totalUsers: number
  currentPage: number
  pageSize: number
  hasMoreResults: boolean
}

export interface UsersInOrgQuery {
  orgId: string
  pageSize?: number | undefined
  pageNumber?: number | undefined
  includeOrgs?: boolean | undefined
  role?: string | undefined
}

export interface UsersInOrgPagedResponse {
  users: UserInOrgMetadata[]
  totalUsers: number
  currentPage: number
  pageSize: number
  hasMoreResults: boolean
}

export interface UserSignupQueryParams {
  userSignupQueryParameters: Record<string, string>
}

export interface CreateUserRequest {
  email: string
  emailConfirmed?: boolean | undefined
  sendEmailToConfirmEmailAddress?: boolean | undefined
  password?: string | undefined
  askUserToUpdatePasswordOnLogin?: boolean | undefined
  ignoreDomainRestrictions?: boolean | undefined
  username?: string | undefined
  firstName?: string | undefined
  lastName?: string | undefined
  properties?: Record<string, any> | undefined
}

export interface CreatedUser {
  userId: string
}

export interface UpdateUserMetadataRequest {
  username?: string | undefined
  firstName?: string | undefined
  lastName?: string | undefined
  pictureUrl?: string | undefined
  metadata?: Metadata | undefined
  properties?: Record<string, any> | undefined
  updatePasswordRequired?: boolean | undefined
  legacyUserId?: string | undefined
}

export interface UpdateUserEmailRequest {
  newEmail: string
  requireEmailConfirmation: boolean
}

export interface UpdateUserPasswordRequest {
  password: string
  askUserToUpdatePasswordOnLogin?: boolean | undefined
}

export interface MigrateUserFromExternalSourceRequest {
  email: string
  emailConfirmed: boolean
  existingUserId?: string | undefined
  existingPasswordHash?: string | undefined
  existingMfaBase32EncodedSecret?: string | undefined
  /** Sent as `update_password_required`. */
  askUserToUpdatePasswordOnLogin?: boolean | undefined
  enabled?: boolean | undefined
  firstName?: string | undefined
  lastName?: string | undefined
  username?: string | undefined
  pictureUrl?: string | undefined
  properties?: Record<string, any> | undefined
}

export interface MigrateUserPasswordRequest {
  userId: string
  passwordHash: string
}

export interface MfaPhone {
  mfaPhoneNumberSuffix: string
  mfaPhoneId: string
}

/**
 * `{ type: 'Totp' }` or `{ type: 'Phone', phoneNumbers }`. The Node library returns
 * these keys camelCased although its type declares them snake_case.
 */
export interface MfaSetup {
  type: 'Totp' | 'Phone' | (string & {})
  phoneNumbers?: MfaPhone[]
}

export interface FetchUserMfaMethodsResponse {
  mfaSetup: MfaSetup | null
}

export type SocialLoginTokenProvider =
  | 'apple' | 'google' | 'github' | 'microsoft' | 'slack' | 'salesforce' | 'linkedin'
  | 'outreach' | 'quickbooks' | 'xero' | 'salesloft' | 'atlassian' | 'gitlab'

export interface SocialLoginToken {
  accessToken: string
  refreshToken?: string
  tokenProvider: SocialLoginTokenProvider
  tokenExpiration?: number
  authorizedScopes?: string[]
}

export type SocialLoginTokensResponse = Partial<Record<SocialLoginTokenProvider, SocialLoginToken>>

// --- magic links, access tokens, employees -----------------------------------------

export interface CreateMagicLinkRequest {
  email: string
  redirectToUrl?: string | undefined
  expiresInHours?: number | undefined
  createNewUserIfOneDoesntExist?: boolean | undefined
  /** Sent as `expire_after_first_use`. */
  expiresAfterFirstUse?: boolean | undefined
  requiresInterstitial?: boolean | undefined
  userSignupQueryParameters?: Record<string, string> | undefined
}

export interface MagicLink {
  url: string
}

export interface CreateAccessTokenRequest {
  userId: string
  durationInMinutes: number
  /** Makes a token for this one org (its claims carry `org_member_info`). */
  activeOrgId?: string | undefined
}

/** Returned as PropelAuth sends it, snake_case, as the Node library returns it. */
export interface AccessToken {
  access_token: string
}

export interface Employee {
  email: string
}

// --- orgs ----------------------------------------------------------------------------

export interface Organization {
  orgId: string
  name: string
  urlSafeOrgSlug: string
  canSetupSaml: boolean
  isSamlConfigured: boolean
  isSamlInTestMode: boolean
  maxUsers?: number
  metadata?: Metadata
  domain?: string
  extraDomains: string[]
  domainAutojoin: boolean
  domainRestrict: boolean
  customRoleMappingName?: string
  legacyOrgId?: string
  passwordRotationEnabled: boolean
  passwordRotationHistorySize: number
  passwordRotationPeriod: number
}

export interface Org {
  orgId: string
  name: string
  maxUsers?: number
  isSamlConfigured: boolean
  legacyOrgId?: string
  metadata: Metadata
  customRoleMappingName?: string
  createdAt?: number
}

export interface OrgQuery {
  pageSize?: number | undefined
  pageNumber?: number | undefined
  orderBy?: 'CREATED_AT_ASC' | 'CREATED_AT_DESC' | 'NAME' | undefined
  name?: string | undefined
  legacyOrgId?: string | undefined
  domain?: string | undefined
}

export interface OrgQueryResponse {
  orgs: Org[]
  totalOrgs: number
  currentPage: number
  pageSize: number
  hasMoreResults: boolean
}

export interface CustomRoleMapping {
  customRoleMappingName: string
  numOrgsSubscribed: number
}

export interface CustomRoleMappings {
  customRoleMappings: CustomRoleMapping[]
}

export interface CreateOrgRequest {
  name: string
  domain?: string | undefined
  enableAutoJoiningByDomain?: boolean | undefined
  membersMustHaveMatchingDomain?: boolean | undefined
  maxUsers?: number | undefined
  customRoleMappingName?: string | undefined
  legacyOrgId?: string | undefined
}

export interface CreatedOrg {
  orgId: string
  name: string
}

export interface UpdateOrgRequest {
  orgId: string
  name?: string | undefined
  canSetupSaml?: boolean | undefined
  maxUsers?: number | undefined
  metadata?: Metadata | undefined
  /** Sent as `autojoin_by_domain`. */
  canJoinOnEmailDomainMatch?: boolean | undefined
  /** Sent as `restrict_to_domain`. */
  membersMustHaveEmailDomainMatch?: boolean | undefined
  domain?: string | undefined
  legacyOrgId?: string | undefined
  require2faBy?: string | undefined
  extraDomains?: string[] | undefined
  passwordRotationEnabled?: boolean | undefined
  passwordRotationHistorySize?: number | undefined
  passwordRotationPeriod?: number | undefined
}

export interface AddUserToOrgRequest {
  userId: string
  orgId: string
  role: string
  additionalRoles?: string[] | undefined
}

export interface ChangeUserRoleInOrgRequest {
  userId: string
  orgId: string
  role: string
  additionalRoles?: string[] | undefined
}

export interface RemoveUserFromOrgRequest {
  userId: string
  orgId: string
}

// --- invites -------------------------------------------------------------------------

export interface InviteUserToOrgRequest {
  orgId: string
  email: string
  role: string
  additionalRoles?: string[] | undefined
}

export interface InviteUserToOrgByUserIdRequest {
  orgId: string
  userId: string
  role: string
  additionalRoles?: string[] | undefined
}

export interface FetchPendingInvitesParams {
  orgId?: string | undefined
  pageSize?: number | undefined
  pageNumber?: number | undefined
}

export interface PendingInvite {
  inviteeEmail: string
  orgId: string
  orgName: string
  roleInOrg: string
  additionalRolesInOrg: string[]
  createdAt: number
  expiresAt: number
  inviterEmail?: string
  inviterUserId?: string
}

export interface PendingInvitesPage {
  totalInvites: number
  currentPage: number
  pageSize: number
  hasMoreResults: boolean
  invites: PendingInvite[]
}

export interface RevokePendingOrgInviteRequest {
  inviteeEmail: string
  orgId: string
}

// --- SAML / OIDC ------------------------------------------------------------------------

export interface CreateSamlConnectionLinkResponse {
  url: string
}

export interface FetchSamlSpMetadataResponse {
  entityId: string
  acsUrl: string
  logoutUrl: string
}

export type IdpProvider = 'Google' | 'Rippling' | 'OneLogin' | 'JumpCloud' | 'Okta' | 'Azure' | 'Duo' | 'Generic'

export interface SetSamlIdpMetadataRequest {
  idpEntityId: string
  idpSsoUrl: string
  idpCertificate: string
  provider: IdpProvider
}

export interface SetOidcIdpMetadataRequestBase {
  orgId: string
  clientId: string
  clientSecret: string
  usesPkce: boolean
}

export interface SetGenericOidcMetadataRequest extends SetOidcIdpMetadataRequestBase {
  idpType: 'Generic'
  authUrl: string
  tokenUrl: string
  userinfoUrl: string
}

export interface SetOktaOidcMetadataRequest extends SetOidcIdpMetadataRequestBase {
  idpType: 'Okta'
  oktaSsoDomain: string
}

export interface SetAzureOidcMetadataRequest extends SetOidcIdpMetadataRequestBase {
  idpType: 'Azure'
  entraTenantId: string
}

export type SetOidcIdpMetadataRequest = SetGenericOidcMetadataRequest | SetOktaOidcMetadataRequest | SetAzureOidcMetadataRequest

// --- end-user API keys ---------------------------------------------------------------

export interface ApiKeyNew {
  apiKeyId: string
  apiKeyToken: string
}

export interface ApiKeyFull {
  apiKeyId: string
  createdAt: number
  expiresAtSeconds: number
  metadata: Metadata
  userId: string
  orgId: string
  displayName?: string
}

export interface ApiKeyResultPage {
  apiKeys: ApiKeyFull[]
  totalApiKeys: number
  currentPage: number
  pageSize: number
  hasMoreResults: boolean
}

export interface ApiKeysQueryRequest {
  orgId?: string | undefined
  userId?: string | undefined
  userEmail?: string | undefined
  pageSize?: number | undefined
  pageNumber?: number | undefined
}

export interface ApiKeysCreateRequest {
  orgId?: string | undefined
  userId?: string | undefined
  expiresAtSeconds?: number | undefined
  metadata?: object | undefined
  displayName?: string | undefined
}

export interface ApiKeysImportRequest {
  importedApiKey: string
  orgId?: string | undefined
  userId?: string | undefined
  expiresAtSeconds?: number | undefined
  metadata?: object | undefined
  displayName?: string | undefined
}

/** The Node library returns `apiKeyId` (camelCased) although its type declares `api_key_id`. */
export interface ApiKeysImportResponse {
  apiKeyId: string
}

export interface ApiKeyUpdateRequest {
  expiresAtSeconds?: number | undefined
  /** An object; a string (as the Node library's type says) is sent as a JSON string. */
  metadata?: object | string | undefined
  setToNeverExpire?: boolean | undefined
}

export interface ApiKeyUsageQueryRequest {
  /** `YYYY-MM-DD`. */
  date: string
  orgId?: string | undefined
  userId?: string | undefined
  /** Spelled snake_case, as in the Node library. */
  api_key_id?: string | undefined
}

export interface ApiKeyUsageQueryResponse {
  count: number
}

/**
 * The org of an API key validation. PropelAuth sends `org_name`, so it comes back
 * as `orgName` (the Node library types this as `Org`, with `name`).
 */
export interface ApiKeyOrg {
  orgId: string
  orgName: string
  maxUsers?: number
  isSamlConfigured: boolean
  legacyOrgId?: string
  metadata: Metadata
  customRoleMappingName?: string
}

export interface ApiKeyValidation {
  metadata?: Metadata
  user?: UserMetadata
  org?: ApiKeyOrg
  userInOrg?: OrgMemberInfo
}

export interface PersonalApiKeyValidation {
  metadata?: Metadata
  user: UserMetadata
}

export interface OrgApiKeyValidation {
  metadata?: Metadata
  org: ApiKeyOrg
  user?: UserMetadata
  userInOrg?: OrgMemberInfo
}

// --- step-up MFA ----------------------------------------------------------------------

export interface VerifyTotpChallengeRequest {
  actionType: string
  userId: string
  code: string
  grantType: StepUpMfaGrantType
  validForSeconds: number
}

export interface StepUpMfaVerifyTotpResponse {
  stepUpGrant: string
}

export interface VerifyStepUpGrantRequest {
  actionType: string
  userId: string
  grant: string
}

export interface StepUpMfaVerifyGrantResponse {
  success: boolean
}

export interface SendSmsMfaCodeRequest {
  actionType: string
  userId: string
  mfaPhoneId: string
  grantType: StepUpMfaGrantType
  validForSeconds: number
}

export interface SendSmsMfaCodeRequestResponse {
  challengeId: string
}

export interface VerifySmsChallengeRequest {
  challengeId: string
  userId: string
  code: string
}

export interface VerifySmsChallengeResponse {
  stepUpGrant: string
}

// --- SCIM --------------------------------------------------------------------------------

export interface FetchOrgScimGroupsRequest {
  orgId: string
  userId?: string | undefined
  pageSize?: number | undefined
  pageNumber?: number | undefined
}

export interface FetchScimGroupRequest {
  orgId: string
  groupId: string
  membersPageSize?: number | undefined
  membersPageNumber?: number | undefined
}

export interface ScimGroupResult {
  groupId: string
  displayName: string
  externalIdFromIdp?: string
}

export interface ScimGroupResultPage {
  groups: ScimGroupResult[]
  pageNumber: number
  pageSize: number
  totalGroups: number
}

export interface ScimGroupMember {
  userId: string
}

export interface ScimGroup {
  groupId: string
  displayName: string
  externalIdFromIdp?: string
  members: ScimGroupMember[]
}

// --- reports and chart metrics ---------------------------------------------------------

export interface ReportPagination {
  pageSize?: number
  pageNumber?: number
}

export interface OrgReportRecord {
  id: string
  reportId: string
  orgId: string
  name: string
  numUsers: number
  orgCreatedAt: number
  extraProperties: Record<string, any>
}

export interface OrgReport {
  orgReports: OrgReportRecord[]
  currentPage: number
  totalCount: number
  pageSize: number
  hasMoreResults: boolean
  reportTime: number
}

/** `user_role` comes back as `userAssignedRole` (the Node library's conversion; its type says `userRole`). */
export interface UserOrgMembershipForReport {
  displayName: string
  orgId: string
  userAssignedRole: string
}

export interface UserReportRecord {
  id: string
  reportId: string
  userId: string
  email: string
  userCreatedAt: number
  lastActiveAt: number
  username?: string
  firstName?: string
  lastName?: string
  orgData?: UserOrgMembershipForReport[]
  extraProperties: Record<string, any>
}

export interface UserReport {
  userReports: UserReportRecord[]
  currentPage: number
  totalCount: number
  pageSize: number
  hasMoreResults: boolean
  reportTime: number
}

export interface ChartDataPoint {
  result: number
  date: string
  cadenceCompleted: boolean
}

export interface ChartData {
  chartType: string
  cadence: ChartMetricCadence
  metrics: ChartDataPoint[]
}

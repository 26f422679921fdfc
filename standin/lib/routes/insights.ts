import type { FastifyInstance, FastifyRequest } from 'fastify'
import { isoDate } from '../clock.js'
import type { StandInContext } from '../context.js'
import { Fields, sendFieldErrors, sendOrgsSwitchedOff } from '../http.js'
import { stableHexId } from '../ids.js'
import type { StoredOrg, StoredUser } from '../records.js'
import { paged, type Page } from '../wire.js'

const DAY = 86_400
const DAY_MS = DAY * 1000
/** Most points one chart request may ask for. */
export const MAX_CHART_POINTS = 400

const REENGAGEMENT = { values: ['Weekly', 'Monthly'], days: { Weekly: 7, Monthly: 30 } as Record<string, number> }
const CHURN = { values: ['7', '14', '30'] }
const LONG = { values: ['30', '60', '90'] }
const USER_REPORTS: Record<string, string[]> = { top_inviter: LONG.values, champion: LONG.values, reengagement: REENGAGEMENT.values, churn: CHURN.values }
const ORG_REPORTS: Record<string, string[]> = { reengagement: REENGAGEMENT.values, churn: CHURN.values, growth: LONG.values, attrition: LONG.values }
const CHART_METRICS = ['signups', 'orgs_created', 'active_users', 'active_orgs'] as const
const CADENCES = ['Daily', 'Weekly', 'Monthly'] as const
type Cadence = typeof CADENCES[number]

function intervalDays (interval: string): number {
  return REENGAGEMENT.days[interval] ?? Number(interval)
}

/** Someone counts as active from sign-up to their last activity: a plausible history from two dates. */
function wasActive (user: StoredUser, from: number, to: number): boolean {
  return user.createdAt < to && user.lastActiveAt >= from
}

/**
 * User and org reports and chart metrics, computed from the state: created_at,
 * last_active_at, memberships (with join dates), departures and invitations.
 * Seeded users and orgs get a made-up past over the last 90 days (derived from
 * their emails and names), so there is something to show from the start.
 */
export function insightRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state } = context

  const readReport = (request: FastifyRequest, intervals: string[]): { interval: string, page: Page, fields: Fields } => {
    const fields = Fields.query(request)
    const interval = fields.oneOf('report_interval', intervals) ?? intervals[0]
    const page = fields.page()
    return { interval, page, fields }
  }

  const userRecord = (reportId: string, user: StoredUser, extra: Record<string, unknown>): Record<string, unknown> => ({
    id: stableHexId(`${reportId}:${user.userId}`),
    report_id: reportId,
    user_id: user.userId,
    email: user.email,
    user_created_at: user.createdAt,
    last_active_at: user.lastActiveAt,
    username: user.username,
    first_name: user.firstName,
    last_name: user.lastName,
    org_data: [...state.orgs.values()].flatMap((org) => {
      const membership = org.members.get(user.userId)
      return membership === undefined ? [] : [{ display_name: org.name, org_id: org.orgId, user_role: membership.role }]
    }),
    extra_properties: extra
  })

  const orgRecord = (reportId: string, org: StoredOrg, extra: Record<string, unknown>): Record<string, unknown> => ({
    id: stableHexId(`${reportId}:${org.orgId}`),
    report_id: reportId,
    org_id: org.orgId,
    name: org.name,
    num_users: org.members.size,
    org_created_at: org.createdAt,
    extra_properties: extra
  })

  app.get<{ Params: { report: string } }>('/api/backend/v1/user_report/:report', async (request, reply) => {
    const intervals = USER_REPORTS[request.params.report]
    if (intervals === undefined) return await reply.code(404).send({ user_facing_error: `No user report named ${request.params.report}` })
    const { interval, page, fields } = readReport(request, intervals)
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const now = state.nowSeconds()
    const since = now - intervalDays(interval) * DAY
    const reportId = stableHexId(`user_report:${request.params.report}:${interval}:${isoDate(state.now())}`)
    const users = [...state.users.values()]
    let records: Array<Record<string, unknown>>
    switch (request.params.report) {
      case 'churn':
        records = users.filter((user) => user.lastActiveAt < since)
          .sort((a, b) => b.lastActiveAt - a.lastActiveAt)
          .map((user) => userRecord(reportId, user, { days_inactive: Math.floor((now - user.lastActiveAt) / DAY) }))
        break
      case 'reengagement':
        records = users.filter((user) => user.lastActiveAt >= since && user.createdAt < since - intervalDays(interval) * DAY)
          .sort((a, b) => b.lastActiveAt - a.lastActiveAt)
          .map((user) => userRecord(reportId, user, {}))
        break
      case 'top_inviter': {
        const counts = new Map<string, number>()
        for (const invite of state.invites) {
          if (invite.inviterUserId !== undefined && invite.createdAt >= since) counts.set(invite.inviterUserId, (counts.get(invite.inviterUserId) ?? 0) + 1)
        }
        records = [...counts.entries()].sort((a, b) => b[1] - a[1])
          .flatMap(([userId, count]) => {
            const user = state.users.get(userId)
            return user === undefined ? [] : [userRecord(reportId, user, { num_invites: count })]
          })
        break
      }
      default: // champion: active members of orgs, most recently active first
        records = users.filter((user) => user.lastActiveAt >= since && [...state.orgs.values()].some((org) => org.members.has(user.userId)))
          .sort((a, b) => b.lastActiveAt - a.lastActiveAt)
          .map((user) => userRecord(reportId, user, { active_days: Math.min(intervalDays(interval), Math.ceil((user.lastActiveAt - Math.max(user.createdAt, since)) / DAY) + 1) }))
    }
    return { ...paged(records, page, 'user_reports', 'total_count'), report_time: now }
  })

  app.get<{ Params: { report: string } }>('/api/backend/v1/org_report/:report', async (request, reply) => {
    // Registered with the user reports, outside the org routes' scope, so it checks the switch itself.
    if (!context.features.orgs) return await sendOrgsSwitchedOff(reply)
    const intervals = ORG_REPORTS[request.params.report]
    if (intervals === undefined) return await reply.code(404).send({ user_facing_error: `No org report named ${request.params.report}` })
    const { interval, page, fields } = readReport(request, intervals)
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const now = state.nowSeconds()
    const since = now - intervalDays(interval) * DAY
    const reportId = stableHexId(`org_report:${request.params.report}:${interval}:${isoDate(state.now())}`)
    const memberUsers = (org: StoredOrg): StoredUser[] => [...org.members.keys()].flatMap((id) => state.users.get(id) ?? [])
    const records: Array<Record<string, unknown>> = []
    for (const org of [...state.orgs.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const active = memberUsers(org).filter((user) => user.lastActiveAt >= since).length
      switch (request.params.report) {
        case 'churn':
          if (active === 0 && org.createdAt < since) records.push(orgRecord(reportId, org, {}))
          break
        case 'reengagement':
          if (active > 0 && org.createdAt < since) records.push(orgRecord(reportId, org, { num_active_users: active }))
          break
        case 'growth': {
          const added = [...org.members.values()].filter((membership) => membership.joinedAt >= since).length
          if (added > 0) records.push(orgRecord(reportId, org, { num_users_added: added }))
          break
        }
        default: { // attrition
          const removed = org.departures.filter((departure) => departure.at >= since).length
          if (removed > 0) records.push(orgRecord(reportId, org, { num_users_removed: removed }))
        }
      }
    }
    return { ...paged(records, page, 'org_reports', 'total_count'), report_time: now }
  })

  app.get<{ Params: { metric: string } }>('/api/backend/v1/chart_metrics/:metric', async (request, reply) => {
    const metric = request.params.metric
    if (!(CHART_METRICS as readonly string[]).includes(metric)) return await reply.code(404).send({ user_facing_error: `No chart metric named ${metric}` })
    const fields = Fields.query(request)
    const cadence: Cadence = fields.oneOf('cadence', CADENCES) ?? 'Daily'
    const startDay = fields.day('start_date')
    const endDay = fields.day('end_date')
    const today = Date.parse(isoDate(state.now()))
    const end = endDay === undefined ? today : Date.parse(endDay)
    const defaultSpan = cadence === 'Daily' ? 30 : cadence === 'Weekly' ? 12 * 7 : 365
    const start = startDay === undefined ? end - defaultSpan * DAY_MS : Date.parse(startDay)
    if (fields.ok && start > end) fields.fail('start_date', 'Must not be after end_date')
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)

    const next = (ms: number): number => {
      if (cadence === 'Daily') return ms + DAY_MS
      if (cadence === 'Weekly') return ms + 7 * DAY_MS
      const date = new Date(ms)
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())
    }
    const buckets: Array<[number, number]> = []
    for (let from = start; from <= end; from = next(from)) {
      buckets.push([from, next(from)])
      if (buckets.length > MAX_CHART_POINTS) return await sendFieldErrors(reply, { start_date: [`At most ${MAX_CHART_POINTS} points per request`] })
    }
    const users = [...state.users.values()]
    const orgs = [...state.orgs.values()]
    const count = (fromMs: number, toMs: number): number => {
      const from = fromMs / 1000
      const to = toMs / 1000
      switch (metric) {
        case 'signups': return users.filter((user) => user.createdAt >= from && user.createdAt < to).length
        case 'orgs_created': return orgs.filter((org) => org.createdAt >= from && org.createdAt < to).length
        case 'active_users': return users.filter((user) => wasActive(user, from, to)).length
        default: return orgs.filter((org) => [...org.members.keys()].some((id) => {
          const user = state.users.get(id)
          return user !== undefined && wasActive(user, from, to)
        })).length
      }
    }
    return {
      chart_type: metric,
      cadence,
      metrics: buckets.map(([from, to]) => ({ result: count(from, to), date: isoDate(from), cadence_completed: to <= state.now() }))
    }
  })
}

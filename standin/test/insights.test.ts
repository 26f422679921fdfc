import { test } from 'tap'
import { createManualClock, type Seed } from '../index.js'
import { harness, SEEDED } from './helpers/harness.js'

const NOW = Date.UTC(2031, 2, 31, 12)
const DAY = 86_400
const at = (daysAgo: number): number => NOW / 1000 - daysAgo * DAY

// A project with a known history, so each report has an expected answer.
const seed: Seed = {
  users: [
    { email: 'gone@x.test', createdAt: at(80), lastActiveAt: at(40) },
    { email: 'back@x.test', createdAt: at(60), lastActiveAt: at(1) },
    { email: 'new@x.test', createdAt: at(3), lastActiveAt: at(0) }
  ],
  orgs: [
    { name: 'Quiet', createdAt: at(70), members: [{ email: 'gone@x.test', role: 'Owner' }] },
    { name: 'Busy', createdAt: at(50), members: [{ email: 'back@x.test', role: 'Owner' }, { email: 'new@x.test', role: 'Member' }] }
  ]
}

test('fetchEmployeeById: {email} for a seeded employee, 404 otherwise', async (t) => {
  const { api } = await harness(t)
  t.same((await api('GET', `/api/backend/v1/employee/${SEEDED.employee}`)).body, { email: 'support@propelauth.test' })
  t.equal((await api('GET', `/api/backend/v1/employee/${crypto.randomUUID()}`)).status, 404)
})

test('user reports follow the stored history: churn, reengagement, champion, top inviter', async (t) => {
  const clock = createManualClock(NOW)
  const { api } = await harness(t, { seed, now: clock.now })
  const emails = async (path: string): Promise<string[]> => (await api('GET', path)).body.user_reports.map((record: any) => record.email)

  const churn = await api('GET', '/api/backend/v1/user_report/churn?report_interval=30')
  t.match(churn.body, { current_page: 0, total_count: 1, page_size: 10, has_more_results: false, report_time: NOW / 1000 })
  t.match(churn.body.user_reports[0], {
    id: String,
    report_id: String,
    user_id: String,
    email: 'gone@x.test',
    user_created_at: at(80),
    last_active_at: at(40),
    org_data: [{ display_name: 'Quiet', org_id: String, user_role: 'Owner' }],
    extra_properties: { days_inactive: 40 }
  })
  t.same(await emails('/api/backend/v1/user_report/reengagement?report_interval=Weekly'), ['back@x.test'])
  t.same(await emails('/api/backend/v1/user_report/champion?report_interval=30'), ['new@x.test', 'back@x.test'])
  t.same(await emails('/api/backend/v1/user_report/top_inviter'), [])

  await api('POST', '/api/backend/v1/invite_user', { email: 'friend@x.test', org_id: (await api('POST', '/api/backend/v1/org/query', { name: 'Busy' })).body.orgs[0].org_id, role: 'Member' })
  t.same(await emails('/api/backend/v1/user_report/top_inviter'), [], 'API invitations have no inviter')

  t.same((await api('GET', '/api/backend/v1/user_report/churn?report_interval=31')).body, { report_interval: ['Must be one of 7, 14, 30'] })
  t.equal((await api('GET', '/api/backend/v1/user_report/popularity')).status, 404)
})

test('org reports: growth, churn, reengagement and attrition', async (t) => {
  const clock = createManualClock(NOW)
  const { standIn, api } = await harness(t, { seed, now: clock.now })
  const names = async (path: string): Promise<string[]> => (await api('GET', path)).body.org_reports.map((record: any) => record.name)
  t.same(await names('/api/backend/v1/org_report/churn?report_interval=30'), ['Quiet'])
  t.same(await names('/api/backend/v1/org_report/reengagement?report_interval=Monthly'), ['Busy'])
  const growth = await api('GET', '/api/backend/v1/org_report/growth?report_interval=30')
  t.match(growth.body.org_reports, [{ name: 'Busy', num_users: 2, org_created_at: at(50), extra_properties: { num_users_added: 1 } }])
  t.same(await names('/api/backend/v1/org_report/attrition'), [])
  const busy = standIn.state.findOrgByName('Busy')!
  await api('POST', '/api/backend/v1/org/remove_user', { user_id: standIn.state.findUserByEmail('new@x.test')!.userId, org_id: busy.orgId })
  t.match((await api('GET', '/api/backend/v1/org_report/attrition')).body.org_reports, [{ name: 'Busy', extra_properties: { num_users_removed: 1 } }])
})

test('chart metrics: one point per day, week or month, counted from the stored dates', async (t) => {
  const clock = createManualClock(NOW)
  const { api } = await harness(t, { seed, now: clock.now })
  const signups = await api('GET', '/api/backend/v1/chart_metrics/signups?cadence=Daily&start_date=2031-03-27&end_date=2031-03-31')
  t.same(signups.body, {
    chart_type: 'signups',
    cadence: 'Daily',
    metrics: [
      { result: 0, date: '2031-03-27', cadence_completed: true },
      { result: 1, date: '2031-03-28', cadence_completed: true },
      { result: 0, date: '2031-03-29', cadence_completed: true },
      { result: 0, date: '2031-03-30', cadence_completed: true },
      { result: 0, date: '2031-03-31', cadence_completed: false }
    ]
  })
  const monthly = await api('GET', '/api/backend/v1/chart_metrics/active_users?cadence=Monthly&start_date=2031-01-01&end_date=2031-03-01')
  // gone@ is active from January 10 to February 19, back@ from January 30 on, new@ from March 28 on.
  t.same(monthly.body.metrics.map((point: any) => [point.date, point.result]), [['2031-01-01', 2], ['2031-02-01', 2], ['2031-03-01', 2]])
  const orgsActive = await api('GET', '/api/backend/v1/chart_metrics/active_orgs?cadence=Monthly&start_date=2031-03-01&end_date=2031-03-01')
  t.same(orgsActive.body.metrics.map((point: any) => point.result), [1], 'Quiet went quiet in February')
  const weekly = await api('GET', '/api/backend/v1/chart_metrics/orgs_created?cadence=Weekly')
  t.equal(weekly.body.metrics.length, 13, 'twelve weeks back by default, both ends included')
  t.equal(weekly.body.metrics.reduce((sum: number, point: any) => sum + point.result, 0), 2)
  t.same((await api('GET', '/api/backend/v1/chart_metrics/signups?cadence=Hourly')).body, { cadence: ['Must be one of Daily, Weekly, Monthly'] })
  t.same((await api('GET', '/api/backend/v1/chart_metrics/signups?start_date=2031-04-01&end_date=2031-03-01')).body, { start_date: ['Must not be after end_date'] })
  t.equal((await api('GET', '/api/backend/v1/chart_metrics/revenue')).status, 404)
})

test('the default seed comes with a made-up past, so reports and charts are not empty', async (t) => {
  const { api } = await harness(t)
  const active = await api('GET', '/api/backend/v1/chart_metrics/active_users?cadence=Weekly')
  t.ok(active.body.metrics.some((point: any) => point.result > 0))
  const users = (await api('GET', '/api/backend/v1/user/query')).body.users
  t.ok(users.every((user: any) => user.created_at <= user.last_active_at && user.last_active_at <= Date.now() / 1000 + 1))
})

import { camel, failUnlessOk, type Send } from '../sender.js'
import type {
  AttritionReportInterval,
  ChampionReportInterval,
  ChartMetric,
  ChartMetricCadence,
  ChurnReportInterval,
  GrowthReportInterval,
  ReengagementReportInterval,
  TopInviterReportInterval
} from '../enums.js'
import { path } from '../ids.js'
import type { ChartData, OrgReport, ReportPagination, UserReport } from '../types.js'

const BASE = '/api/backend/v1'

export interface ReportsApi {
  fetchUserTopInviterReport: (reportInterval?: TopInviterReportInterval, pagination?: ReportPagination) => Promise<UserReport>
  fetchUserChampionReport: (reportInterval?: ChampionReportInterval, pagination?: ReportPagination) => Promise<UserReport>
  fetchUserReengagementReport: (reportInterval?: ReengagementReportInterval, pagination?: ReportPagination) => Promise<UserReport>
  fetchUserChurnReport: (reportInterval?: ChurnReportInterval, pagination?: ReportPagination) => Promise<UserReport>
  fetchOrgReengagementReport: (reportInterval?: ReengagementReportInterval, pagination?: ReportPagination) => Promise<OrgReport>
  fetchOrgChurnReport: (reportInterval?: ChurnReportInterval, pagination?: ReportPagination) => Promise<OrgReport>
  fetchOrgGrowthReport: (reportInterval?: GrowthReportInterval, pagination?: ReportPagination) => Promise<OrgReport>
  fetchOrgAttritionReport: (reportInterval?: AttritionReportInterval, pagination?: ReportPagination) => Promise<OrgReport>
  /** Dates are sent as their UTC day, `YYYY-MM-DD`. */
  fetchChartMetricData: (chartMetric: ChartMetric, cadence: ChartMetricCadence, startDate?: Date, endDate?: Date) => Promise<ChartData>
}

/** `YYYY-MM-DD` of the date's UTC day, as the Node library formats it. */
function day (date: Date | undefined): string | undefined {
  return date?.toISOString().slice(0, 10)
}

export function reportsApi (send: Send): ReportsApi {
  async function report<T> (operation: string, kind: 'user_report' | 'org_report', type: string, reportInterval: string | undefined, pagination: ReportPagination | undefined): Promise<T> {
    const answer = await send(operation, {
      method: 'GET',
      path: `${BASE}/${kind}/${type}`,
      query: { report_interval: reportInterval, page_size: pagination?.pageSize, page_number: pagination?.pageNumber },
      queryMark: true
    })
    failUnlessOk(answer)
    return camel(answer)
  }

  return {
    fetchUserTopInviterReport: (interval, pagination) => report('fetchUserTopInviterReport', 'user_report', 'top_inviter', interval, pagination),
    fetchUserChampionReport: (interval, pagination) => report('fetchUserChampionReport', 'user_report', 'champion', interval, pagination),
    fetchUserReengagementReport: (interval, pagination) => report('fetchUserReengagementReport', 'user_report', 'reengagement', interval, pagination),
    fetchUserChurnReport: (interval, pagination) => report('fetchUserChurnReport', 'user_report', 'churn', interval, pagination),
    fetchOrgReengagementReport: (interval, pagination) => report('fetchOrgReengagementReport', 'org_report', 'reengagement', interval, pagination),
    fetchOrgChurnReport: (interval, pagination) => report('fetchOrgChurnReport', 'org_report', 'churn', interval, pagination),
    fetchOrgGrowthReport: (interval, pagination) => report('fetchOrgGrowthReport', 'org_report', 'growth', interval, pagination),
    fetchOrgAttritionReport: (interval, pagination) => report('fetchOrgAttritionReport', 'org_report', 'attrition', interval, pagination),

    fetchChartMetricData: async (chartMetric, cadence, startDate, endDate) => {
      const answer = await send('fetchChartMetricData', {
        method: 'GET',
        path: `${BASE}/chart_metrics` + path`/${chartMetric}`,
        query: { cadence, start_date: day(startDate), end_date: day(endDate) },
        queryMark: true
      })
      failUnlessOk(answer)
      return camel(answer)
    }
  }
}

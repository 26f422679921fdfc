// The Node library's enums, as frozen objects with the same member names and
// values (`ChartMetric.SIGNUPS === 'signups'`) and a type of the same name that
// also accepts the plain string, so code written against @propelauth/node compiles.
/* eslint-disable @typescript-eslint/no-redeclare -- each value and its type share a name, as an enum's do */

export const StepUpMfaGrantType = Object.freeze({
  ONE_TIME_USE: 'ONE_TIME_USE',
  TIME_BASED: 'TIME_BASED'
} as const)
export type StepUpMfaGrantType = typeof StepUpMfaGrantType[keyof typeof StepUpMfaGrantType]

export const ReengagementReportInterval = Object.freeze({ WEEKLY: 'Weekly', MONTHLY: 'Monthly' } as const)
export type ReengagementReportInterval = typeof ReengagementReportInterval[keyof typeof ReengagementReportInterval]

export const ChurnReportInterval = Object.freeze({ SEVEN_DAYS: '7', FOURTEEN_DAYS: '14', THIRTY_DAYS: '30' } as const)
export type ChurnReportInterval = typeof ChurnReportInterval[keyof typeof ChurnReportInterval]

export const GrowthReportInterval = Object.freeze({ THIRTY_DAYS: '30', SIXTY_DAYS: '60', NINETY_DAYS: '90' } as const)
export type GrowthReportInterval = typeof GrowthReportInterval[keyof typeof GrowthReportInterval]

export const TopInviterReportInterval = Object.freeze({ THIRTY_DAYS: '30', SIXTY_DAYS: '60', NINETY_DAYS: '90' } as const)
export type TopInviterReportInterval = typeof TopInviterReportInterval[keyof typeof TopInviterReportInterval]

export const ChampionReportInterval = Object.freeze({ THIRTY_DAYS: '30', SIXTY_DAYS: '60', NINETY_DAYS: '90' } as const)
export type ChampionReportInterval = typeof ChampionReportInterval[keyof typeof ChampionReportInterval]

export const AttritionReportInterval = Object.freeze({ THIRTY_DAYS: '30', SIXTY_DAYS: '60', NINETY_DAYS: '90' } as const)
export type AttritionReportInterval = typeof AttritionReportInterval[keyof typeof AttritionReportInterval]

export const ChartMetric = Object.freeze({
  SIGNUPS: 'signups',
  ORGS_CREATED: 'orgs_created',
  ACTIVE_USERS: 'active_users',
  ACTIVE_ORGS: 'active_orgs'
} as const)
export type ChartMetric = typeof ChartMetric[keyof typeof ChartMetric]

export const ChartMetricCadence = Object.freeze({ DAILY: 'Daily', WEEKLY: 'Weekly', MONTHLY: 'Monthly' } as const)
export type ChartMetricCadence = typeof ChartMetricCadence[keyof typeof ChartMetricCadence]

/**
 * The request-count anomaly alarm's metric math, as plain data: ALB RequestCount against CloudWatch's
 * anomaly-detection band. Pure, so it is tested without Pulumi.
 */

/** Id of the band in the alarm's metric queries; the alarm's thresholdMetricId. */
export const ANOMALY_BAND_ID = "ad1";

/**
 * Width of the expected band in standard deviations. Production has enough traffic for a tight band;
 * staging's traffic is sparse and bursty (tests, demos), so its band is wider to keep pages meaningful.
 */
export function anomalyBandWidth(environment: { readonly isProduction: boolean }): number {
  return environment.isProduction ? 2 : 3;
}

export interface AnomalyQuery<T> {
  id: string;
  label: string;
  returnData: boolean;
  expression?: string;
  metric?: { namespace: string; metricName: string; dimensions: { LoadBalancer: T }; period: number; stat: string };
}

/** m1 = requests per 5 minutes at the ALB; ad1 = its expected band. Both returned: CloudWatch compares them. */
export function requestCountAnomalyQueries<T>(albArnSuffix: T, bandWidth: number): AnomalyQuery<T>[] {
  if (!(bandWidth > 0 && bandWidth <= 10)) throw new Error(`Anomaly band width is ${bandWidth}; use a number of standard deviations above 0 and at most 10.`);
  return [
    {
      id: "m1",
      label: "Requests",
      returnData: true,
      metric: { namespace: "AWS/ApplicationELB", metricName: "RequestCount", dimensions: { LoadBalancer: albArnSuffix }, period: 300, stat: "Sum" },
    },
    { id: ANOMALY_BAND_ID, label: "Expected requests", returnData: true, expression: `ANOMALY_DETECTION_BAND(m1, ${bandWidth})` },
  ];
}

import { describe, expect, it } from "vitest";
import { ANOMALY_BAND_ID, anomalyBandWidth, requestCountAnomalyQueries } from "./request-anomaly";

describe("requestCountAnomalyQueries", () => {
  it("compares ALB requests per five minutes with their anomaly band, both returned to the alarm", () => {
    const [m1, band] = requestCountAnomalyQueries("app/alb/123", 2);
    expect(m1).toMatchObject({
      id: "m1",
      returnData: true,
      metric: { metricName: "RequestCount", stat: "Sum", period: 300, dimensions: { LoadBalancer: "app/alb/123" } },
    });
    expect(band).toMatchObject({ id: ANOMALY_BAND_ID, returnData: true, expression: "ANOMALY_DETECTION_BAND(m1, 2)" });
  });

  it("rejects a band width CloudWatch would not take", () => {
    expect(() => requestCountAnomalyQueries("x", 0)).toThrow(/band width is 0/);
  });

  it("uses a tighter band in production than in staging", () => {
    expect(anomalyBandWidth({ isProduction: true })).toBeLessThan(anomalyBandWidth({ isProduction: false }));
  });
});

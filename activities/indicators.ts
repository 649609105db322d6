/**
 * The district dashboard's snapshot (issue #19): computes a district's indicators and stores them as its summary
 * document (api/read-models/indicators.ts refreshIndicatorSnapshot). Called by workflows/indicator-snapshot.workflow.ts
 * every interval. Its input and result carry a district code, instants and a duration: no child data in Temporal.
 */
import { refreshIndicatorSnapshot } from '../api/read-models/indicators';

export interface IndicatorSnapshotRequest {
  districtCode: string;
  everySeconds: number;
}

export interface IndicatorSnapshotResult {
  asOf: string;
  computeMs: number;
  written: boolean;
}

export function createIndicatorActivities(
  deps: { refresh?: (districtCode: string, everySeconds: number) => Promise<IndicatorSnapshotResult> } = {},
) {
  const refresh =
    deps.refresh ?? ((districtCode, everySeconds) => refreshIndicatorSnapshot(districtCode, everySeconds));
  return {
    async refreshIndicatorSnapshot(request: IndicatorSnapshotRequest): Promise<IndicatorSnapshotResult> {
      return refresh(request.districtCode, request.everySeconds);
    },
  };
}

export type IndicatorActivities = ReturnType<typeof createIndicatorActivities>;

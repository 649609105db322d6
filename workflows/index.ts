/** Every workflow the worker runs (its workflowsPath). Messages and types live in ./definitions. */
export { caseWorkflow } from './case.workflow';
export { agencyTaskWorkflow } from './agency-task.workflow';
export { intakeWorkflow } from './intake.workflow';
export { detentionNoticeWorkflow } from './detention.workflow';
export { placementWorkflow } from './placement.workflow';
export { reconcilerWorkflow } from './reconciler.workflow';
export { oversightWorkflow } from './oversight.workflow';
export { ledgerMonitoringWorkflow } from './ledger-monitoring.workflow';
export { screeningImportWorkflow } from './screening-import.workflow';
export { indicatorSnapshotWorkflow } from './indicator-snapshot.workflow';

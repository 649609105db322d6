/** The roles live in the contract (contracts/roles.ts), shared with the models and the web app. */
export {
  ROLES,
  roleSchema,
  AGENCY_ROLES,
  CASE_WORKER_ROLES,
  COORDINATOR_ROLES,
  isAgencyRole,
  isCoordinatorRole,
  type Role,
} from '../../contracts/roles';

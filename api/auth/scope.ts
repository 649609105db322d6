/** The caller's scope lives with the repositories that take it (models/scope.ts). */
export { scopeFilter, scopeOf, type Scope, type ScopeFields } from '../../models/scope';

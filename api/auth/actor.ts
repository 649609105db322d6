/** Who is making a request (models/actor.ts): the models take it to scope their reads, the API builds it. */
export type { Actor, Jurisdiction } from '../../models/actor';

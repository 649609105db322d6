/**
 * The street ledger (台账) section of the child's file (CN 五(一), FT 三(一)1, 三(二)2, 三(三)1): one file per child,
 * so the ledger is a section of the same document the cases use, not a second collection. A child is enrolled without
 * a report by the committee's child welfare supervisor (儿童主任), the street's child social worker, or from a school's
 * screening (FT 三(二)1). Categories, left-behind status, guardians, school, benefits and risk stay where the cases
 * write them (the file's own fields); this section holds what only the ledger has: whose ledger it is, the migrant
 * parents' guardianship arrangement (FT 三(一)4(1)), the visit schedule and record, and the transfers.
 */
import { Schema } from 'mongoose';
import { RISK_LEVELS } from './common';

/** 'case': returned to the ledger when the child's case closed (CN 五(一)). */
export const LEDGER_SOURCES = ['committee', 'street', 'screening', 'case'] as const;
export type LedgerSource = (typeof LEDGER_SOURCES)[number];

/** Monitoring by the ledger's visits, or by an open case's visits (never both: workflows/README.md). */
export const LEDGER_STATUSES = ['monitoring', 'case_open'] as const;
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

const ledgerPlaceSchema = new Schema(
  {
    districtCode: { type: String, required: true },
    streetCode: { type: String, required: true },
    committeeCode: String,
  },
  { _id: false },
);

/** FT 三(一)4(1): migrant parents arrange guardianship before they leave; the committee supervises it (三(二)2). */
export const arrangementSchema = new Schema(
  {
    caregiverName: { type: String, required: true },
    relation: { type: String, required: true },
    phone: String,
    since: Date,
    /** Where the parents work (city), so the committee can reach them. */
    parentsWorkplace: String,
    parentsPhone: String,
    /** The last visit's judgement of the arrangement; unset until a visit judged it. */
    adequate: Boolean,
  },
  { _id: false },
);

const actorRefSchema = new Schema(
  { userId: { type: String, required: true }, role: { type: String, required: true }, agencyCode: String },
  { _id: false },
);

export const visitRecordSchema = new Schema(
  {
    /** Stable id of the visit (the monitoring workflow's visit number), so a retried record is written once. */
    visitId: { type: String, required: true },
    dueAt: Date,
    visitedAt: { type: Date, required: true },
    by: { type: actorRefSchema, required: true },
    childPresent: { type: Boolean, required: true },
    guardianPresent: { type: Boolean, required: true },
    arrangementAdequate: { type: Boolean, required: true },
    needs: { type: [String], default: [] },
    newConcern: { type: Boolean, required: true },
    note: String,
  },
  { _id: false },
);

const transferSchema = new Schema(
  {
    at: { type: Date, required: true },
    from: { type: ledgerPlaceSchema, required: true },
    to: { type: ledgerPlaceSchema, required: true },
    by: { type: actorRefSchema, required: true },
    reason: { type: String, required: true },
  },
  { _id: false },
);

export const ledgerSchema = new Schema(
  {
    /** Whose ledger holds the child; moved (never copied) on a transfer. */
    place: { type: ledgerPlaceSchema, required: true },
    status: { type: String, enum: LEDGER_STATUSES, required: true, default: 'monitoring' },
    source: { type: String, enum: LEDGER_SOURCES, required: true },
    enrolledAt: { type: Date, required: true },
    enrolledBy: { type: actorRefSchema, required: true },
    arrangement: arrangementSchema,
    /** The risk the ledger records when no case has graded it (a case's grading wins: models/child-decisions.ts). */
    riskAtEnrolment: { type: String, enum: RISK_LEVELS },
    lastVisitAt: Date,
    /** Written by the monitoring workflow when it sets the next visit; "overdue" is nextVisitDue < now. */
    nextVisitDue: Date,
    /** The interval's clause and ISO duration, as the workflow chose it (shown on the child's ledger page). */
    visitInterval: { duration: String, clause: String },
    missedVisits: { type: Number, required: true, default: 0 },
    visits: { type: [visitRecordSchema], default: [] },
    transfers: { type: [transferSchema], default: [] },
    /**
     * The monitoring workflow has not been started or told of the last change yet (Temporal could not be reached, or
     * the API stopped in between): the reconciler starts or signals it and clears this (activities/ledger.ts).
     */
    monitoringPending: Boolean,
    /** Bumped on every change: an update names the version it read (lost-update guard without transactions). */
    version: { type: Number, required: true, default: 1 },
  },
  { _id: false },
);

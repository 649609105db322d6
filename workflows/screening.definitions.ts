/**
 * Messages and types of the school screening import (issue #18 item 2, FT 三(二)1), shared by the workflow, its
 * activities, the API and the tests. The import carries ids and counts only: the rows stay in MongoDB (staged by the
 * API after the whole file validated), so no child's data travels in the workflow's history.
 */
import { defineQuery } from '@temporalio/workflow';

export interface ScreeningImportInput {
  importId: string;
  /** Rows staged for the import, positions 0 … total-1. */
  total: number;
  /** Rows per activity: a crash repeats at most one chunk, each of whose rows is written once anyway. */
  chunkSize: number;
}

export interface ScreeningChunk {
  importId: string;
  from: number;
  to: number;
}

export interface ScreeningCounts {
  enrolled: number;
  updated: number;
  reported: number;
}

export interface ScreeningProgress extends ScreeningCounts {
  total: number;
  processed: number;
  done: boolean;
}

export function screeningImportWorkflowId(importId: string): string {
  return `screening-import-${importId}`;
}

export const screeningProgressQuery = defineQuery<ScreeningProgress>('screeningProgress');

/** Rows per chunk unless the caller says otherwise. */
export const SCREENING_CHUNK_SIZE = 100;

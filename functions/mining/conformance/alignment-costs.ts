/**
 * PM4Py's standard cost function for alignments (objects/petri_net/utils/align_utils.py):
 * a synchronous move is free, a move on the log only or on a visible model transition only
 * costs STD_MODEL_LOG_MOVE_COST, a silent model move STD_TAU_COST, so that among the
 * alignments with fewest deviations the one with fewest silent steps is chosen.
 */
export const SYNC_MOVE_COST = 0;
export const LOG_MOVE_COST = 10_000;
export const MODEL_MOVE_COST = 10_000;
export const TAU_MOVE_COST = 1;

/** Deviations in a cost: PM4Py's `cost // STD_MODEL_LOG_MOVE_COST` (silent steps drop out). */
export const deviationsOf = (cost: number): number => Math.floor(cost / LOG_MOVE_COST);

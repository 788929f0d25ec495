/**
 * The cost model: architecture profiles that give every counted {@link org.mmsim.arch.Event} a cost in nanoseconds
 * with the source of each figure, the prediction of a region's time as the sum over events of count times cost,
 * and the least-squares fit used by calibration and by profiles that declare fitted rows.
 * Depends only on {@code arch} (events, TLB rules) and Jackson for reading profile files.
 */
package org.mmsim.cost;

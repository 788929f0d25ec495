package org.mmsim.cost;

/**
 * The cost of one event in a profile.
 *
 * @param ns     nanoseconds per occurrence (per byte for the byte counters), finite and not negative
 * @param source where the figure comes from: a datasheet, paper, public benchmark, a measurement on this machine
 *               with its command, or the fit that produced it
 */
public record Cost(double ns, String source) { }

/**
 * Differential testing: random call sequences run on two {@link org.mmsim.workload.MemoryApi} backends at once
 * (the model against the live kernel, or two feature sets of the model against each other), compared after every
 * call, and shrunk to a minimal {@code .mms} script when they disagree. Depends on {@code workload} and the UAPI
 * constants of {@code mm}; nothing below it knows it exists.
 */
package org.mmsim.difftest;

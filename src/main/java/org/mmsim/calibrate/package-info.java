/**
 * {@code mmsim calibrate}: small microbenchmarks (src/main/resources/calibrate/host-microbench.mms), each region
 * isolating one kind of kernel work, run on the live kernel for wall time and in the model for counts; a
 * non-negative least-squares fit of the free x86 costs turns them into the x86_64-host profile.
 */
package org.mmsim.calibrate;

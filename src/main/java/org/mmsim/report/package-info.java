/**
 * {@code mmsim reproduce}: the seed experiments run in the model for the kernel before and after each seed's patch,
 * priced on every architecture profile, side by side with the figures the seeds publish (seeds/published.json),
 * written as a text table, JSON, CSV or an offline HTML report with SVG charts. Depends on {@code cost} for prices
 * and on {@code workload.script} to run the example scripts.
 */
package org.mmsim.report;

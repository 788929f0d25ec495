package org.mmsim.report;

import org.mmsim.cost.CostModel.Prediction;

/**
 * One line of the reproduce table: an experiment priced on one profile, with the published figures of the same
 * architecture when the seed has them.
 *
 * @param experiment  the experiment's id
 * @param title       what it measures
 * @param profile     the profile's name
 * @param arch        the model architecture
 * @param baselineNs  predicted time before the patch (ns per published unit), NaN when not modelled
 * @param patchedNs   predicted time after it
 * @param publishedBaselineNs the seed's time before, NaN when the seed has none for this architecture
 * @param publishedPatchedNs  the seed's time after
 * @param machine     the seed's machine, or null
 * @param kind        "fit", "prediction", "other machine", "no published figure", or why the model cannot run it
 *                    (e.g. needs swap model)
 * @param note        the error and the per-event explanation in words
 * @param baseline    the priced breakdown before (null when not modelled)
 * @param patched     the priced breakdown after
 * @param hostBaselineNs the host kernel's measured time, NaN when not measured
 * @param statedRatio the ratio the seed states without times (NaN when it gives times or nothing)
 */
public record Row(String experiment, String title, String profile, String arch, double baselineNs, double patchedNs,
                  double publishedBaselineNs, double publishedPatchedNs, String machine, String kind, String note,
                  Prediction baseline, Prediction patched, double hostBaselineNs, double statedRatio) {

    /** Kind of a row whose published figures were used to fit the profile. */
    public static final String FIT = "fit";
    /** Kind of a row judged on figures the profile never saw. */
    public static final String PREDICTION = "prediction";
    /** Kind of a row whose published figures were measured on another kind of machine than the profile's. */
    public static final String OTHER_MACHINE = "other machine";
    /** Kind of a row the seed publishes nothing for on this architecture. */
    public static final String NO_PUBLISHED = "no published figure";

    /** Predicted patched / baseline, NaN when not modelled. */
    public double ratio() { return patchedNs / baselineNs; }

    /** Published patched / baseline, or the ratio the seed states without times; NaN when there is none. */
    public double publishedRatio() {
        return Double.isNaN(publishedBaselineNs) ? statedRatio : publishedPatchedNs / publishedBaselineNs;
    }

    /** True when the seed published times (not only a ratio) for this row. */
    public boolean hasPublishedTimes() { return !Double.isNaN(publishedBaselineNs) && !Double.isNaN(publishedPatchedNs); }

    /** (predicted ratio - published ratio) / published ratio, NaN when either is missing. */
    public double ratioError() { return ratio() / publishedRatio() - 1; }

    /** True when the row has a model result. */
    public boolean modelled() { return baseline != null; }
}

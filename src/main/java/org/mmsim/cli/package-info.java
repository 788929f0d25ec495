/**
 * The {@code mmsim} command line: the top command ({@link org.mmsim.cli.MmsimCommand}) with one class per
 * subcommand ({@link org.mmsim.cli.RunCommand} for {@code mmsim run}), the choice of backend
 * ({@link org.mmsim.cli.BackendFactory}), exit codes ({@link org.mmsim.cli.Exit}) and the text and JSON reports
 * of a run.
 *
 * <p>This is the top of the layering: it may depend on every other package. Nothing depends on it.
 */
package org.mmsim.cli;

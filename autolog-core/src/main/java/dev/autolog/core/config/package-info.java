/**
 * The agent's configuration: where settings come from, how secrets are referenced, and which
 * combinations are valid.
 *
 * <p>{@link dev.autolog.core.config.ConfigLoader#load(String)} merges, highest precedence first,
 * the agent argument ({@code -javaagent:autolog.jar=experiment_name=foo,config=autolog.yaml}),
 * {@code -Dautolog.<key>} system properties, {@code AUTOLOG_<KEY>} environment variables, the YAML
 * file, MLflow's own environment variables ({@code MLFLOW_TRACKING_URI}, ...) and the defaults.
 * Every setting is listed in {@link dev.autolog.core.config.ConfigKey}.
 *
 * <p>Any value may instead be a secret reference: {@code {{env:NAME}}}, {@code {{file:path}}}
 * or {@code {{secret_name.key}}} (a properties file in {@code secrets_dir}).
 *
 * <p>Loading never throws and never prints. It returns a
 * {@link dev.autolog.core.config.ConfigResult} whose warnings and errors are one line each and
 * never contain a secret; any error leaves the agent disabled.
 */
package dev.autolog.core.config;

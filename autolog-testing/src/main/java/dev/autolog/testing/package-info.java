/**
 * An in-test MLflow tracking server double, {@link dev.autolog.testing.MlflowServerDouble}, for the REST path of
 * the agent's tests.
 *
 * <p>Where its behaviour comes from, in order of certainty:
 * <ol>
 *   <li>The transcripts of a real MLflow 2.22.4 server ({@code src/test/resources/mlflow-2.22.4}): every request
 *       in them is replayed by {@code TranscriptConformanceTest} and must get the recorded status and body.</li>
 *   <li>MLflow's source (handlers, {@code validation.py}, the sqlite store, the basic-auth app, protobuf's
 *       {@code json_format}), read, not run: the order of checks, the messages for cases the transcripts do not
 *       show (tag and metric key length, negative timestamps, log-model fields, unknown users), the way a body
 *       that protobuf cannot fully parse is stored partly, duplicate metric points not stored twice, metric
 *       history sorted by (timestamp, step, value).</li>
 *   <li>Guesses, where neither says enough: the order of the names in the log-model "missing mandatory fields"
 *       set (Python's set order varies from run to run), the MLflow 3 logged-model answers (not recorded), the
 *       search syntax beyond simple {@code AND} clauses, messages of the basic-auth user APIs, and the 415/400
 *       pages for non-admin requests with a non-JSON body.</li>
 * </ol>
 *
 * <p>Known differences from the real server: successful JSON bodies are compact (the real server indents them;
 * the transcripts show them compact); Python's Unicode {@code \w} in key names is approximated by Java's
 * {@code UNICODE_CHARACTER_CLASS}; paths are not redirected for doubled slashes; the artifact store lives in
 * memory under the pretend root {@code /srv/mlflow/artifacts}.
 */
package dev.autolog.testing;

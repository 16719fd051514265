package dev.autolog.agent;

import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.config.ConfigLoader;
import dev.autolog.core.config.ConfigProblem;
import dev.autolog.core.config.ConfigResult;
import dev.autolog.core.delivery.JournalReplayer;
import dev.autolog.core.tracking.Tracker;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code java -jar autolog-agent.jar sync [journal-dir]}: delivers what jobs left in the journal
 * to the tracker the current configuration names (config file, {@code -Dautolog.*}, {@code
 * AUTOLOG_*} and {@code MLFLOW_*} variables, as for the agent). Safe to run any number of times,
 * also while jobs run: delivered records are never sent twice, and a live job's journal is left
 * to that job.
 *
 * <p>Exit codes: 0 when nothing is left for this tracker, 1 when the tracker failed and data is
 * left, 2 for a configuration problem.
 */
final class SyncCommand {
  private SyncCommand() {}

  static int run(String[] args, PrintStream out) {
    ConfigResult result = ConfigLoader.load(null);
    result.warnings().forEach(w -> out.println("warning: " + w));
    if (!result.errors().isEmpty()) {
      for (ConfigProblem problem : result.errors()) {
        out.println("error: " + problem.message());
      }
      return 2;
    }
    AutologConfig config = result.config();
    Path dir = Path.of(args.length > 1 ? args[1] : config.journalDir()).toAbsolutePath();
    if (!Files.isDirectory(dir)) {
      out.println("no journal at " + dir + ": nothing to deliver");
      return 0;
    }
    Tracker tracker = Trackers.create(config);
    if (tracker == null) {
      return 2;
    }
    Trackers.warnIfInsecure(config);
    try {
      JournalReplayer.Report report = new JournalReplayer(tracker).replay(dir);
      out.println("delivered " + report.recordsDelivered() + " records from " + report.segmentsDelivered()
          + " journal files to " + tracker.describe() + "; " + report.segmentsLeft() + " journal files left in " + dir);
      return JournalReplayer.hasSegmentsFor(dir, tracker.describe()) ? 1 : 0;
    } finally {
      tracker.close();
    }
  }
}

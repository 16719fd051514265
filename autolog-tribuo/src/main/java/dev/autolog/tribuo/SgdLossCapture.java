package dev.autolog.tribuo;

import dev.autolog.core.run.ModelRun;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tribuo's SGD trainers have no listener API; the only progress signal is a java.util.logging
 * INFO line {@code At iteration N, average loss = X} every {@code loggingInterval} iterations
 * (default 1000). This handler turns those lines into the run's {@code loss} metric, step N.
 *
 * <p>It is added to the two loggers that write the line ({@code AbstractSGDTrainer}, which all
 * linear and factorization-machine SGD trainers extend, and {@code KernelSVMTrainer}) only while
 * an outermost train call runs, and it prints nothing: the loggers' levels, parents and other
 * handlers are untouched, so the job's log output is the same. If the job raises those loggers'
 * level above INFO, no line is produced and no loss is logged.
 *
 * <p><b>Sign.</b> Tribuo logs the value of the objective's {@code lossAndGradient}. The
 * classification objectives ({@code LogMulticlass}: the log-likelihood, {@code Hinge} and the
 * kernel SVM: minus the hinge loss) report a quantity to maximise, i.e. a negated loss; regression
 * ({@code SquaredLoss}, {@code AbsoluteLoss}, {@code Huber}) and multi-label ({@code BinaryCrossEntropy},
 * {@code Hinge}) objectives report the loss itself. The metric is always the loss, lower is better:
 * negated for label (classification) datasets, as logged otherwise.
 *
 * <p>Records are routed by thread: the line is logged on the training thread, whose current train
 * call is known. A wrapper that trains several SGD members (bagging) restarts Tribuo's iteration
 * count for each member; steps continue from the previous member's last logged step instead.
 */
final class SgdLossCapture extends Handler {
  static final List<String> LOGGERS = List.of(
      "org.tribuo.common.sgd.AbstractSGDTrainer", "org.tribuo.classification.sgd.kernel.KernelSVMTrainer");
  private static final Pattern LOSS = Pattern.compile("^At iteration (\\d+), average loss = (\\S+)(?: with .*)?$");
  private static final Pattern START = Pattern.compile("^Training (SGD model|Kernel SVM) with \\d+ examples");
  private static final ThreadLocal<Session> CURRENT = new ThreadLocal<>();
  private static final SgdLossCapture INSTANCE = new SgdLossCapture();
  /** The loggers the handler is on (held strongly, as JUL holds loggers weakly), and how many calls need it. */
  private static final List<Logger> attached = new ArrayList<>();
  private static int users;

  private SgdLossCapture() {
    setLevel(Level.ALL);
  }

  /** One training call's capture: its run, sign and step bookkeeping. */
  static final class Session {
    private final ModelRun run;
    private final double sign;
    private long base;
    private long maxStep;

    Session(ModelRun run, double sign) {
      this.run = run;
      this.sign = sign;
    }

    void started() {
      base = maxStep;
    }

    void loss(long iteration, double value) {
      long step = base + iteration;
      maxStep = Math.max(maxStep, step);
      run.logMetric("loss", sign * value, step);
    }
  }

  /** Starts capturing into {@code run} on this thread; {@code sign} is -1 for negated losses. */
  static Session begin(ModelRun run, double sign) {
    Session session = new Session(run, sign);
    CURRENT.set(session);
    synchronized (SgdLossCapture.class) {
      if (users++ == 0) {
        for (String name : LOGGERS) {
          Logger logger = Logger.getLogger(name);
          logger.addHandler(INSTANCE);
          attached.add(logger);
        }
      }
    }
    return session;
  }

  /** Stops capturing on this thread; the handler leaves the loggers when no call needs it. */
  static void end(Session session) {
    if (session == null) {
      return;
    }
    if (CURRENT.get() == session) {
      CURRENT.remove();
    }
    synchronized (SgdLossCapture.class) {
      if (--users == 0) {
        for (Logger logger : attached) {
          logger.removeHandler(INSTANCE);
        }
        attached.clear();
      }
    }
  }

  /** Whether the handler is on the SGD loggers now (tests). */
  static synchronized boolean isAttached() {
    return !attached.isEmpty();
  }

  @Override
  public void publish(LogRecord record) {
    try {
      Session session = CURRENT.get();
      String message = record == null ? null : record.getMessage();
      if (session == null || message == null) {
        return;
      }
      Matcher m = LOSS.matcher(message);
      if (m.matches()) {
        session.loss(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)));
      } else if (START.matcher(message).lookingAt()) {
        session.started();
      }
    } catch (Throwable t) {
      TribuoHooks.failed("loss capture", t);
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}

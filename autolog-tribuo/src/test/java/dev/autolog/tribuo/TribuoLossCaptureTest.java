package dev.autolog.tribuo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autolog.tribuo.FileStore.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tribuo.Dataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.ensemble.VotingCombiner;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.Hinge;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.ensemble.BaggingTrainer;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

/**
 * The loss that SGD trainers only report through java.util.logging: what Tribuo logged (seen by a
 * recording handler the test adds next to the agent's) becomes the run's loss metric, with the
 * "lower is better" sign, and the logger is left exactly as it was.
 */
class TribuoLossCaptureTest {
  private static final Pattern LOSS = Pattern.compile("At iteration (\\d+), average loss = (\\S+)");
  private static final Logger SGD = Logger.getLogger("org.tribuo.common.sgd.AbstractSGDTrainer");
  private static FileStore store;
  private final List<String> logged = new ArrayList<>();
  private final Handler recorder = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logged.add(record.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeAll
  static void install() throws Exception {
    store = InProcessAgent.install();
  }

  @BeforeEach
  void record() {
    SGD.addHandler(recorder);
  }

  @AfterEach
  void stopRecording() {
    SGD.removeHandler(recorder);
    SGD.setLevel(null);
  }

  @Test
  void classificationLossIsTheNegatedLoggedValueAtEachLoggedIteration() throws Exception {
    Dataset<Label> data = TestData.colours(3L).getA(); // 300 examples
    Run run = train(() -> new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.5), 4, 100, 1, 3L), data);
    List<double[]> expected = loggedLosses(); // 300 * 4 / 100 = 12 lines
    assertEquals(12, expected.size());
    List<double[]> loss = run.metric("loss");
    assertEquals(expected.size(), loss.size());
    for (int i = 0; i < loss.size(); i++) {
      assertEquals(expected.get(i)[0], loss.get(i)[1], "step = Tribuo's iteration");
      assertEquals(-expected.get(i)[1], loss.get(i)[0], "the log-likelihood, negated");
      assertTrue(loss.get(i)[0] > 0, "a loss");
    }
    assertTrue(loss.get(loss.size() - 1)[0] < loss.get(0)[0], "training lowers the loss");
  }

  @Test
  void hingeLossIsNegatedToo() throws Exception {
    Dataset<Label> data = TestData.colours(4L).getA();
    Run run = train(() -> new LinearSGDTrainer(new Hinge(), new AdaGrad(0.5), 2, 150, 1, 4L), data);
    List<double[]> expected = loggedLosses();
    assertEquals(4, expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(-expected.get(i)[1], run.metric("loss").get(i)[0]);
      assertTrue(run.metric("loss").get(i)[0] >= 0);
    }
  }

  @Test
  void regressionLossIsTheLoggedValueAsIs() throws Exception {
    Dataset<Regressor> data = TestData.regression(5L).getA(); // 200 examples
    Run run = train(() -> new org.tribuo.regression.sgd.linear.LinearSGDTrainer(
        new SquaredLoss(), new AdaGrad(0.1), 3, 50, 1, 5L), data);
    List<double[]> expected = loggedLosses();
    assertEquals(12, expected.size());
    List<double[]> loss = run.metric("loss");
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(new double[] {expected.get(i)[1], expected.get(i)[0]}, loss.get(i));
    }
  }

  @Test
  void membersOfAWrapperContinueTheStepsInsteadOfRestartingThem() throws Exception {
    Dataset<Label> data = TestData.colours(6L).getA();
    Run run = train(() -> new BaggingTrainer<>(new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.5), 1, 100, 1, 6L),
        new VotingCombiner(), 3, 6L), data);
    List<double[]> expected = loggedLosses(); // 3 members, each 300 iterations logged every 100
    assertEquals(9, expected.size());
    List<Long> steps = run.steps("loss");
    assertEquals(List.of(100L, 200L, 300L, 400L, 500L, 600L, 700L, 800L, 900L), steps);
  }

  @Test
  void theLoggerIsLeftAsItWasAndItsLevelIsRespected() throws Exception {
    Handler[] handlers = SGD.getHandlers();
    boolean useParents = SGD.getUseParentHandlers();
    Level level = SGD.getLevel();
    Dataset<Label> data = TestData.colours(7L).getA();
    SGD.setLevel(Level.WARNING);
    Run quiet = train(() -> new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.5), 2, 100, 1, 7L), data);
    assertTrue(logged.isEmpty(), "the job silenced the SGD logger");
    assertTrue(quiet.metric("loss").isEmpty(), "so there is no loss to capture");
    SGD.setLevel(level);
    assertFalse(SgdLossCapture.isAttached(), "the handler is only there during a train call");
    assertArrayEquals(handlers, SGD.getHandlers());
    assertEquals(useParents, SGD.getUseParentHandlers());
    assertSame(level, SGD.getLevel());
    // A tree trainer logs nothing and gets no loss.
    Run tree = train(() -> new CARTClassificationTrainer(3), data);
    assertTrue(tree.metric("loss").isEmpty());
  }

  private <T extends org.tribuo.Output<T>> Run train(Supplier<org.tribuo.Trainer<T>> trainer, Dataset<T> data) throws Exception {
    org.tribuo.Trainer<T> t = trainer.get();
    Map<String, Run> runs = InProcessAgent.newRuns(store, () -> t.train(data));
    assertEquals(1, runs.size(), runs.keySet().toString());
    return runs.values().iterator().next();
  }

  /** {iteration, value} of each loss line the recording handler saw. */
  private List<double[]> loggedLosses() {
    List<double[]> out = new ArrayList<>();
    for (String message : logged) {
      Matcher m = LOSS.matcher(message);
      if (m.matches()) {
        out.add(new double[] {Long.parseLong(m.group(1)), Double.parseDouble(m.group(2))});
      }
    }
    return out;
  }
}

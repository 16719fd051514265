package dev.autolog.tribuo;

import com.oracle.labs.mlrg.olcut.util.Pair;
import java.util.Random;
import org.tribuo.Dataset;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/** Small seeded in-memory datasets. */
final class TestData {
  static final String[] COLOURS = {"red", "green", "blue"};
  static final String[] FEATURES = {"f0", "f1", "f2", "f3"};

  private TestData() {}

  /** Three overlapping colour blobs in 4 dimensions: 300 train, 100 test examples. */
  static Pair<Dataset<Label>, Dataset<Label>> colours(long seed) {
    Random rng = new Random(seed);
    return new Pair<>(colours(rng, 300, "colour-train"), colours(rng, 100, "colour-test"));
  }

  static MutableDataset<Label> colours(Random rng, int n, String description) {
    double[][] centres = {{1.0, 0.0, 2.0, -1.0}, {-1.0, 1.5, 0.0, 0.5}, {0.5, -1.5, -1.0, 1.0}};
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance(description, factory), factory);
    for (int i = 0; i < n; i++) {
      int c = i % COLOURS.length;
      double[] x = new double[FEATURES.length];
      for (int f = 0; f < x.length; f++) {
        x[f] = centres[c][f] + 1.1 * rng.nextGaussian();
      }
      data.add(new ArrayExample<>(new Label(COLOURS[c]), FEATURES, x));
    }
    return data;
  }

  /** Two named outputs: load = 2 x0 - x1 + noise, cost = 3 x2 + 1 + noise; 200 train, 50 test. */
  static Pair<Dataset<Regressor>, Dataset<Regressor>> regression(long seed) {
    Random rng = new Random(seed);
    return new Pair<>(regression(rng, 200, "regression-train"), regression(rng, 50, "regression-test"));
  }

  private static MutableDataset<Regressor> regression(Random rng, int n, String description) {
    RegressionFactory factory = new RegressionFactory();
    MutableDataset<Regressor> data = new MutableDataset<>(new SimpleDataSourceProvenance(description, factory), factory);
    for (int i = 0; i < n; i++) {
      double[] x = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
      double load = 2 * x[0] - x[1] + 0.1 * rng.nextGaussian();
      double cost = 3 * x[2] + 1 + 0.1 * rng.nextGaussian();
      data.add(new ArrayExample<>(new Regressor(new String[] {"load", "cost"}, new double[] {load, cost}),
          new String[] {"x0", "x1", "x2"}, x));
    }
    return data;
  }
}

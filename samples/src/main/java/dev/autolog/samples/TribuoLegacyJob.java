package dev.autolog.samples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

import com.oracle.labs.mlrg.olcut.util.Pair;
import org.tribuo.DataSource;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.ensemble.VotingCombiner;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.classification.sgd.objectives.Hinge;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.clustering.ClusterID;
import org.tribuo.clustering.evaluation.ClusteringEvaluation;
import org.tribuo.clustering.evaluation.ClusteringEvaluator;
import org.tribuo.clustering.example.GaussianClusterDataSource;
import org.tribuo.clustering.kmeans.KMeansTrainer;
import org.tribuo.data.csv.CSVLoader;
import org.tribuo.ensemble.BaggingTrainer;
import org.tribuo.evaluation.CrossValidation;
import org.tribuo.evaluation.DescriptiveStats;
import org.tribuo.evaluation.EvaluationAggregator;
import org.tribuo.evaluation.TrainTestSplitter;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.evaluation.RegressionEvaluation;
import org.tribuo.regression.evaluation.RegressionEvaluator;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.transform.TransformTrainer;
import org.tribuo.transform.TransformationMap;
import org.tribuo.transform.transformations.MeanStdDevTransformation;

/**
 * A "legacy" Tribuo training job: a plain main program that knows nothing about MLflow or any agent.
 *
 * <p>Usage: {@code TribuoLegacyJob [all|classification|regression|clustering|cross-validation|ensemble|reuse] [--fail]}
 * <ul>
 *   <li>{@code classification}: a CSV file it writes (800 rows, 4 features, 3 colours) loaded with
 *       {@code CSVLoader}, split 75/25, then logistic regression, CART and XGBoost, each evaluated;</li>
 *   <li>{@code regression}: a linear SGD regressor with two named outputs ({@code load}, {@code cost});</li>
 *   <li>{@code clustering}: K-means on Tribuo's Gaussian cluster generator;</li>
 *   <li>{@code cross-validation}: 3-fold cross-validation of logistic regression on the CSV data;</li>
 *   <li>{@code ensemble}: wrapper trainers: bagging over CART trees, and a {@code TransformTrainer} that
 *       standardises the features for logistic regression;</li>
 *   <li>{@code reuse}: a hinge-loss linear model evaluated twice, saved, loaded back and evaluated again;</li>
 *   <li>{@code --fail}: the classification section's logistic regression gets a dataset with an unlabelled
 *       example, and Tribuo's {@code IllegalArgumentException} leaves {@code main} (non-zero exit).</li>
 * </ul>
 *
 * <p>Stdout is deterministic (fixed seeds, numbers rounded to 4 decimals, no timings or paths) so that it
 * can be compared byte for byte between a run with and a run without an agent. Tribuo logs its own progress
 * through java.util.logging on stderr.
 */
public final class TribuoLegacyJob {

    static final List<String> SECTIONS =
            List.of("classification", "regression", "clustering", "cross-validation", "ensemble", "reuse");

    static final long SEED = 42L;
    /** Rows of the generated CSV file; 75% (600) train, 25% (200) test. */
    static final int CSV_ROWS = 800;
    static final String[] COLOURS = {"red", "green", "blue"};
    /** Training and test sizes of the regression data. */
    static final int REG_TRAIN = 300;
    static final int REG_TEST = 100;
    /** Epochs and logging interval of the regression trainer: 300 * 10 / 200 = 15 loss lines. */
    static final int REG_EPOCHS = 10;
    static final int REG_LOGGING_INTERVAL = 200;

    private static Path workDir;

    private TribuoLegacyJob() {
    }

    public static void main(String[] args) throws IOException {
        List<String> argList = Arrays.asList(args);
        boolean fail = argList.contains("--fail");
        String section = argList.stream().filter(a -> !a.startsWith("--")).findFirst().orElse("all");
        if (!section.equals("all") && !SECTIONS.contains(section)) {
            System.err.println("Unknown section '" + section + "'. Expected one of: all, " + String.join(", ", SECTIONS));
            System.exit(2);
        }
        workDir = Files.createTempDirectory("tribuo-legacy-job-");
        try {
            if (runs(section, "classification")) {
                classification(fail);
            }
            if (runs(section, "regression")) {
                regression();
            }
            if (runs(section, "clustering")) {
                clustering();
            }
            if (runs(section, "cross-validation")) {
                crossValidation();
            }
            if (runs(section, "ensemble")) {
                ensemble();
            }
            if (runs(section, "reuse")) {
                reuse();
            }
        } finally {
            deleteRecursively(workDir);
        }
        System.out.println("done");
    }

    private static boolean runs(String selected, String section) {
        return selected.equals("all") || selected.equals(section);
    }

    /** a. CSV → split → logistic regression, CART, XGBoost, each evaluated on the test split. */
    static void classification(boolean fail) throws IOException {
        header("classification");
        Pair<Dataset<Label>, Dataset<Label>> data = colourData();
        Dataset<Label> train = data.getA();
        Dataset<Label> test = data.getB();
        print("classification", "train.size", Integer.toString(train.size()));
        print("classification", "test.size", Integer.toString(test.size()));
        print("classification", "features", Integer.toString(train.getFeatureMap().size()));

        Dataset<Label> lrTrain = train;
        if (fail) {
            // An unlabelled example: supervised trainers refuse the dataset, inside train.
            MutableDataset<Label> broken = new MutableDataset<>(train.getProvenance(), new LabelFactory());
            train.forEach(broken::add);
            broken.add(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, new String[] {"f0", "f1", "f2", "f3"},
                    new double[] {0, 0, 0, 0}));
            lrTrain = broken;
        }
        LabelEvaluator evaluator = new LabelEvaluator();
        Model<Label> lr = new LogisticRegressionTrainer().train(lrTrain);
        printLabelEvaluation("classification.lr", lr, evaluator.evaluate(lr, test));

        Model<Label> cart = new CARTClassificationTrainer(6).train(train);
        printLabelEvaluation("classification.cart", cart, evaluator.evaluate(cart, test));

        Model<Label> xgb = new XGBoostClassificationTrainer(10).train(train);
        printLabelEvaluation("classification.xgboost", xgb, evaluator.evaluate(xgb, test));
    }

    /** b. Two named outputs, a linear SGD regressor logging its loss every 200 iterations. */
    static void regression() {
        header("regression");
        Random rng = new Random(SEED);
        Dataset<Regressor> train = regressionData(rng, REG_TRAIN, "regression-train");
        Dataset<Regressor> test = regressionData(rng, REG_TEST, "regression-test");
        Trainer<Regressor> trainer = new org.tribuo.regression.sgd.linear.LinearSGDTrainer(
                new SquaredLoss(), new AdaGrad(0.1, 0.1), REG_EPOCHS, REG_LOGGING_INTERVAL, 1, SEED);
        Model<Regressor> model = trainer.train(train);
        RegressionEvaluation eval = new RegressionEvaluator().evaluate(model, test);
        print("regression", "rmse", fmt(eval.averageRMSE()));
        print("regression", "mae", fmt(eval.averageMAE()));
        print("regression", "r2", fmt(eval.averageR2()));
        print("regression", "explainedVariance", fmt(eval.averagedExplainedVariance()));
        // Per output dimension, by name (a Regressor's toString() embeds its value).
        java.util.Map<String, Regressor> dimensions = new java.util.TreeMap<>();
        eval.rmse().keySet().forEach(d -> dimensions.put(d.getNames()[0], d));
        dimensions.forEach((name, dimension) -> {
            print("regression", name + ".rmse", fmt(eval.rmse(dimension)));
            print("regression", name + ".r2", fmt(eval.r2(dimension)));
        });
    }

    /** c. K-means on Gaussian clusters, evaluated against the generating clusters. */
    static void clustering() {
        header("clustering");
        Dataset<ClusterID> train = new MutableDataset<>(new GaussianClusterDataSource(500, SEED));
        Dataset<ClusterID> test = new MutableDataset<>(new GaussianClusterDataSource(200, SEED + 1));
        KMeansTrainer trainer = new KMeansTrainer(5, 10, KMeansTrainer.Distance.EUCLIDEAN, 1, SEED);
        Model<ClusterID> model = trainer.train(train);
        ClusteringEvaluation eval = new ClusteringEvaluator().evaluate(model, test);
        print("clustering", "normalizedMI", fmt(eval.normalizedMI()));
        print("clustering", "adjustedMI", fmt(eval.adjustedMI()));
    }

    /** d. 3-fold cross-validation of logistic regression; Tribuo's own summary of the folds. */
    static void crossValidation() throws IOException {
        header("cross-validation");
        Dataset<Label> train = colourData().getA();
        CrossValidation<Label, LabelEvaluation> cv =
                new CrossValidation<>(new LogisticRegressionTrainer(), train, new LabelEvaluator(), 3, SEED);
        List<Pair<LabelEvaluation, Model<Label>>> folds = cv.evaluate();
        List<LabelEvaluation> evaluations = new ArrayList<>();
        for (int i = 0; i < folds.size(); i++) {
            LabelEvaluation fold = folds.get(i).getA();
            evaluations.add(fold);
            print("cross-validation", "fold" + i + ".accuracy", fmt(fold.accuracy()));
            print("cross-validation", "fold" + i + ".size", Integer.toString(fold.getPredictions().size()));
        }
        DescriptiveStats accuracy = EvaluationAggregator.summarize(evaluations, LabelEvaluation::accuracy);
        DescriptiveStats f1 = EvaluationAggregator.summarize(evaluations, LabelEvaluation::macroAveragedF1);
        print("cross-validation", "accuracy.mean", fmt(accuracy.getMean()));
        print("cross-validation", "accuracy.std", fmt(accuracy.getStandardDeviation()));
        print("cross-validation", "f1.mean", fmt(f1.getMean()));
        print("cross-validation", "f1.std", fmt(f1.getStandardDeviation()));
    }

    /** e. Wrapper trainers: bagged CART trees, and logistic regression on standardised features. */
    static void ensemble() throws IOException {
        header("ensemble");
        Pair<Dataset<Label>, Dataset<Label>> data = colourData();
        LabelEvaluator evaluator = new LabelEvaluator();
        BaggingTrainer<Label> bagging = new BaggingTrainer<>(new CARTClassificationTrainer(4), new VotingCombiner(), 5, SEED);
        Model<Label> bagged = bagging.train(data.getA());
        printLabelEvaluation("ensemble.bagging", bagged, evaluator.evaluate(bagged, data.getB()));
        TransformTrainer<Label> standardised = new TransformTrainer<>(new LogisticRegressionTrainer(),
                new TransformationMap(List.of(new MeanStdDevTransformation())));
        Model<Label> transformed = standardised.train(data.getA());
        printLabelEvaluation("ensemble.standardised", transformed, evaluator.evaluate(transformed, data.getB()));
    }

    /** f. A model evaluated twice, saved, loaded back (as a new program would) and evaluated again. */
    static void reuse() throws IOException {
        header("reuse");
        Pair<Dataset<Label>, Dataset<Label>> data = colourData();
        LabelEvaluator evaluator = new LabelEvaluator();
        Trainer<Label> hinge = new LinearSGDTrainer(new Hinge(), new AdaGrad(0.5), 5, 1000, 1, SEED);
        Model<Label> model = hinge.train(data.getA());
        printLabelEvaluation("reuse.test", model, evaluator.evaluate(model, data.getB()));
        printLabelEvaluation("reuse.train", model, evaluator.evaluate(model, data.getA()));
        Path file = workDir.resolve("hinge.tribuo");
        model.serializeToFile(file);
        @SuppressWarnings("unchecked")
        Model<Label> restored = (Model<Label>) Model.deserializeFromFile(file);
        print("reuse", "restored.class", restored.getClass().getSimpleName());
        printLabelEvaluation("reuse.restored", restored, evaluator.evaluate(restored, data.getB()));
    }

    private static void printLabelEvaluation(String prefix, Model<Label> model, LabelEvaluation eval) {
        int dot = prefix.indexOf('.');
        String section = prefix.substring(0, dot);
        String name = prefix.substring(dot + 1);
        print(section, name + ".accuracy", fmt(eval.accuracy()));
        print(section, name + ".f1", fmt(eval.macroAveragedF1()));
        print(section, name + ".balancedErrorRate", fmt(eval.balancedErrorRate()));
        for (String colour : COLOURS) {
            Label label = new Label(colour);
            print(section, name + "." + colour + ".f1", fmt(eval.f1(label)));
        }
        // Only models that produce probabilities have an AUC.
        print(section, name + ".auc", model.generatesProbabilities() ? fmt(eval.averageAUCROC(false)) : "n/a");
        print(section, name + ".confusion.red.red", fmt(eval.confusion(new Label("red"), new Label("red"))));
    }

    /**
     * Writes the colour CSV (once per job) and loads it the way legacy jobs do: {@code CSVLoader}, then a
     * seeded 75/25 {@code TrainTestSplitter}.
     */
    static Pair<Dataset<Label>, Dataset<Label>> colourData() throws IOException {
        Path csv = workDir.resolve("colours.csv");
        if (!Files.exists(csv)) {
            writeColours(csv);
        }
        DataSource<Label> source = new CSVLoader<>(new LabelFactory()).loadDataSource(csv, "colour");
        TrainTestSplitter<Label> splitter = new TrainTestSplitter<>(source, 0.75, SEED);
        return new Pair<>(new MutableDataset<>(splitter.getTrain()), new MutableDataset<>(splitter.getTest()));
    }

    /** Three colour blobs in 4 dimensions, overlapping enough that no model is perfect. */
    private static void writeColours(Path csv) throws IOException {
        double[][] centres = {{1.0, 0.0, 2.0, -1.0}, {-1.0, 1.5, 0.0, 0.5}, {0.5, -1.5, -1.0, 1.0}};
        Random rng = new Random(SEED);
        try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            w.write("f0,f1,f2,f3,colour\n");
            for (int i = 0; i < CSV_ROWS; i++) {
                int c = i % COLOURS.length;
                StringBuilder row = new StringBuilder();
                for (int f = 0; f < 4; f++) {
                    row.append(String.format(Locale.ROOT, "%.5f", centres[c][f] + 1.1 * rng.nextGaussian())).append(',');
                }
                w.write(row.append(COLOURS[c]).append('\n').toString());
            }
        }
    }

    /** y(load) = 2 x0 - x1 + 0.5 x2 + noise, y(cost) = -x0 + 3 x2 + 1 + noise. */
    private static Dataset<Regressor> regressionData(Random rng, int n, String description) {
        RegressionFactory factory = new RegressionFactory();
        MutableDataset<Regressor> data = new MutableDataset<>(new SimpleDataSourceProvenance(description, factory), factory);
        String[] names = {"load", "cost"};
        String[] features = {"x0", "x1", "x2"};
        for (int i = 0; i < n; i++) {
            double[] x = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
            double load = 2 * x[0] - x[1] + 0.5 * x[2] + 0.1 * rng.nextGaussian();
            double cost = -x[0] + 3 * x[2] + 1 + 0.1 * rng.nextGaussian();
            data.add(new ArrayExample<>(new Regressor(names, new double[] {load, cost}), features, x));
        }
        return data;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static void header(String section) {
        System.out.println("== " + section + " ==");
    }

    private static void print(String section, String key, String value) {
        System.out.println(section + "." + key + "=" + value);
    }

    /** Fixed locale and 4 decimals: stable output whatever the machine's locale. */
    static String fmt(double x) {
        return String.format(Locale.ROOT, "%.4f", x);
    }
}

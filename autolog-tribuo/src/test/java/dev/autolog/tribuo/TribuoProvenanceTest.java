package dev.autolog.tribuo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import dev.autolog.tribuo.FileStore.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.DataSource;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.data.csv.CSVLoader;
import org.tribuo.dataset.DatasetView;
import org.tribuo.evaluation.TrainTestSplitter;
import org.tribuo.transform.Transformation;
import org.tribuo.transform.TransformTrainer;
import org.tribuo.transform.TransformationMap;
import org.tribuo.transform.transformations.BinningTransformation;
import org.tribuo.transform.transformations.LinearScalingTransformation;

/** Provenance flattening: which values are params, which are tags, and the cap on their number. */
class TribuoProvenanceTest {
  private static final Pattern TIMESTAMP = Pattern.compile(".*\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}.*");
  private static FileStore store;

  @BeforeAll
  static void install() throws Exception {
    store = InProcessAgent.install();
  }

  @Test
  void csvSourcedRunKeepsFileIdentityAsParamsAndItsTimestampsAsTags(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("colours.csv");
    StringBuilder sb = new StringBuilder("f0,f1,f2,f3,colour\n");
    for (var example : TestData.colours(9L).getA()) {
      double[] x = new double[4];
      example.forEach(f -> x[Integer.parseInt(f.getName().substring(1))] = f.getValue());
      sb.append(x[0]).append(',').append(x[1]).append(',').append(x[2]).append(',').append(x[3]).append(',')
          .append(example.getOutput().getLabel()).append('\n');
    }
    Files.writeString(csv, sb.toString());
    DataSource<Label> source = new CSVLoader<>(new LabelFactory()).loadDataSource(csv, "colour");
    MutableDataset<Label> train = new MutableDataset<>(new TrainTestSplitter<>(source, 0.7, 1L).getTrain());
    List<Model<Label>> models = new ArrayList<>();
    Map<String, Run> runs = InProcessAgent.newRuns(store, () -> models.add(new LogisticRegressionTrainer().train(train)));
    Run run = runs.values().iterator().next();

    Map<String, String> flat = new TreeMap<>();
    TribuoTrainingTest.flatten("dataset", ProvenanceUtil.convertToMap(train.getProvenance()), flat);
    String modified = "dataset.datasource.source.file-modified-time";
    String created = "dataset.datasource.source.datasource-creation-time";
    assertEquals(flat.get(modified), run.tag(modified));
    assertEquals(flat.get(created), run.tag(created));
    assertNull(run.param(modified));
    assertNull(run.param(created));
    assertEquals(csv.toString(), run.param("dataset.datasource.source.dataPath"));
    assertEquals(flat.get("dataset.datasource.source.resource-hash"), run.param("dataset.datasource.source.resource-hash"));
    assertEquals("0.7", run.param("dataset.datasource.train-proportion"));
    assertEquals("210", run.param("dataset.num-examples"));
    for (Map.Entry<String, String> param : run.params().entrySet()) {
      assertFalse(TIMESTAMP.matcher(param.getValue()).matches(), "a timestamp as a param: " + param);
    }
    for (String key : run.params().keySet()) {
      assertFalse(key.endsWith("host-short-name"), key);
    }
  }

  @Test
  void wideProvenanceIsCutAtTheKeyLimitButTheJsonHasEverything() throws Exception {
    Map<String, List<Transformation>> perFeature = new LinkedHashMap<>();
    for (int i = 0; i < 200; i++) {
      perFeature.put("feature" + i, List.of(new LinearScalingTransformation(0, 1), BinningTransformation.equalWidth(4)));
    }
    TransformTrainer<Label> trainer = new TransformTrainer<>(new LogisticRegressionTrainer(), new TransformationMap(perFeature));
    TribuoProvenance.Flat flat = new TribuoProvenance.Flat();
    TribuoProvenance.flatten("trainer", trainer.getProvenance(), flat);
    assertEquals(TribuoProvenance.MAX_KEYS, flat.params.size() + flat.tags.size());
    Map<String, String> all = new TreeMap<>();
    TribuoTrainingTest.flatten("trainer", ProvenanceUtil.convertToMap(trainer.getProvenance()), all);
    assertTrue(all.size() > TribuoProvenance.MAX_KEYS, "the provenance is wider than the limit: " + all.size());
    for (Map.Entry<String, String> e : flat.params.entrySet()) {
      assertEquals(all.get(e.getKey()), e.getValue(), e.getKey());
    }
    String json = TribuoProvenance.json(trainer.getProvenance());
    assertEquals(new ObjectMapper().valueToTree(ProvenanceUtil.convertToMap(trainer.getProvenance())),
        new ObjectMapper().readTree(json));
  }

  @Test
  void aListOfPlainValuesIsOneParamAndAListOfObjectsIsIndexed() throws Exception {
    Dataset<Label> all = TestData.colours(5L).getA();
    int[] rows = new int[150];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = 2 * i;
    }
    DatasetView<Label> view = new DatasetView<>(all, rows, "even rows");
    Map<String, Run> runs = InProcessAgent.newRuns(store, () -> new LogisticRegressionTrainer().train(view));
    Run run = runs.values().iterator().next();

    StringBuilder expected = new StringBuilder("[");
    for (int i = 0; i < rows.length; i++) {
      expected.append(i == 0 ? "" : ", ").append(rows[i]);
    }
    assertEquals(expected.append(']').toString(), run.param("dataset.indices"));
    assertTrue(run.params().keySet().stream().noneMatch(k -> k.startsWith("dataset.indices.")), run.params().keySet()::toString);
    assertTrue(run.params().size() < 100, "one param for the 150 indices: " + run.params().size());

    TransformTrainer<Label> trainer = new TransformTrainer<>(new LogisticRegressionTrainer(),
        new TransformationMap(List.of(new LinearScalingTransformation(0, 1), BinningTransformation.equalWidth(4))));
    TribuoProvenance.Flat flat = new TribuoProvenance.Flat();
    TribuoProvenance.flatten("trainer", trainer.getProvenance(), flat);
    assertEquals("org.tribuo.transform.transformations.LinearScalingTransformation",
        flat.params.get("trainer.transformations.globalTransformations.0.class-name"));
    assertEquals("4", flat.params.get("trainer.transformations.globalTransformations.1.numBins"));
  }
}
